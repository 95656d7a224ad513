// Math functions are bound once at module scope: calling them through the global `Math` / `Number`
// costs nothing extra in Node, but every global lookup is many times slower inside jest's vm
// sandbox, where the tests feed these kernels millions of bars.
export const abs = Math.abs;
export const sqrt = Math.sqrt;
export const isNaNNumber = Number.isNaN;
