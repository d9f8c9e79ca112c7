// Package richtest holds tests of the preloaded packages and rich output
// through the real gradbook kernel: the binary built by kerneltest.Binary,
// driven over ZeroMQ by a jupytertest.Client, as a notebook front end
// would. A cell uses ad, adplot and display with no import line, and its
// values come back as LaTeX, HTML, SVG and PNG. The package has no code
// of its own.
package richtest
