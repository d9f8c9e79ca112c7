package earlybind

// BindConnectionFile is bindConnectionFile, for the external tests.
var BindConnectionFile = bindConnectionFile

// ParseIPv4 is parseIPv4, for the external tests.
var ParseIPv4 = parseIPv4

// KernelArgs is kernelArgs, for the external tests.
var KernelArgs = kernelArgs

// PauseGC is pauseGC, for the external tests.
var PauseGC = pauseGC
