package jupytertest

import (
	"io"
	"log"
)

// discardLogger silences zmq4's own connection logging in tests.
var discardLogger = log.New(io.Discard, "", 0)
