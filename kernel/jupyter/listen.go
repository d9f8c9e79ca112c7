package jupyter

import (
	"context"
	"net"
	"strings"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"

	"github.com/gradbook/gradbook/kernel/earlybind"
)

// earlyScheme names the zmq4 transport that serves tcp endpoints on the
// sockets package earlybind bound while the program initialised.
const earlyScheme = "gradbook-tcp"

func init() {
	if err := zmq4.RegisterTransport(earlyScheme, earlyTCP{transport.New("tcp")}); err != nil {
		panic(err)
	}
}

// earlyTCP is zmq4's tcp transport, except that Listen takes over a
// socket bound at start-up when there is one, and that its connections
// are framedConns.
type earlyTCP struct{ transport.Transport }

func (earlyTCP) Listen(_ context.Context, addr string) (net.Listener, error) {
	l, err := listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return framedListener{l}, nil
}

// listen is net.Listen, except that it takes over the socket earlybind
// bound at start-up for a tcp addr when there is one: the front end may
// already be connected to it, waiting in its backlog.
func listen(network, addr string) (net.Listener, error) {
	if network == "tcp" {
		if f := earlybind.Take(addr); f != nil {
			defer f.Close()
			return net.FileListener(f)
		}
	}
	return net.Listen(network, addr)
}

// routerEndpoint is the zmq4 endpoint for a ROUTER socket on port: ci's
// own, with tcp served by earlyTCP.
func routerEndpoint(ci ConnectionInfo, port int) string {
	return strings.Replace(ci.Endpoint(port), "tcp://", earlyScheme+"://", 1)
}
