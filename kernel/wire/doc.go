// Package wire encodes and decodes Jupyter kernel messages as the ZeroMQ
// frames of the Jupyter messaging protocol (version 5.3), and signs and
// verifies them with HMAC-SHA256.
//
// It imports the standard library only, so it can be tested and fuzzed
// without sockets. The socket side lives in package jupyter.
//
// # Frames
//
// A message on the wire is a list of frames:
//
//	[identity…] "<IDS|MSG>" signature header parent_header metadata content [buffer…]
//
// The signature is the lowercase hex HMAC-SHA256, keyed with the
// connection file's key, of the four JSON frames header, parent_header,
// metadata and content in that order. With an empty key messages are
// neither signed nor verified (the signature frame is empty).
//
// # Use
//
//	msg, err := wire.Decode(frames, key)
//	if err != nil {
//		// log and drop: errors.Is(err, wire.ErrBadSignature) …
//	}
//	reply := msg.Reply(wire.KernelInfoReply)
//	if err := reply.SetContent(content); err != nil { … }
//	out, err := reply.Encode(key)
//
// Content structs (ExecuteRequestContent, StatusContent, …) name the
// section of the messaging specification they implement; see
// https://jupyter-client.readthedocs.io/en/latest/messaging.html.
package wire
