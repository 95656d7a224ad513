// esbuild bundles the stylesheet the entry imports into the build's CSS file.
declare module '*.css';
