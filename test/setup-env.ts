// The SDK versions pinned here support Node 20; silence their notice about future versions so
// test output shows only what the tests say.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
