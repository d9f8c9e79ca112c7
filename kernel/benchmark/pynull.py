"""A Jupyter kernel that runs nothing, on pyzmq (libzmq) and jupyter_client's
Session: the floor that the client's own work and libzmq put under any
kernel's round trip. compare_ipykernel.py --floor runs it next to nullkernel
(the same floor on gradbook's protocol layer).

Usage: python3 pynull.py CONNECTION_FILE
"""

import json
import sys

import zmq
from jupyter_client.session import Session


def main():
    with open(sys.argv[1]) as f:
        ci = json.load(f)
    session = Session(key=ci["key"].encode(), signature_scheme=ci["signature_scheme"])
    ctx = zmq.Context()

    def bind(kind, port):
        s = ctx.socket(kind)
        s.bind("%s://%s:%d" % (ci["transport"], ci["ip"], ci[port]))
        return s

    shell, control = bind(zmq.ROUTER, "shell_port"), bind(zmq.ROUTER, "control_port")
    iopub, hb = bind(zmq.PUB, "iopub_port"), bind(zmq.REP, "hb_port")
    bind(zmq.ROUTER, "stdin_port")
    poller = zmq.Poller()
    for s in (shell, control, hb):
        poller.register(s, zmq.POLLIN)
    count = 0
    while True:
        for s, _ in poller.poll():
            if s is hb:
                hb.send(hb.recv())
                continue
            idents, frames = session.feed_identities(s.recv_multipart())
            msg = session.deserialize(frames)
            kind = msg["msg_type"]
            reply = None
            if kind == "execute_request":
                count += 1
                session.send(iopub, "status", {"execution_state": "busy"}, parent=msg)
                session.send(iopub, "execute_input", {"code": msg["content"]["code"], "execution_count": count}, parent=msg)
                reply = ("execute_reply", {"status": "ok", "execution_count": count, "user_expressions": {}, "payload": []})
            elif kind == "kernel_info_request":
                session.send(iopub, "status", {"execution_state": "busy"}, parent=msg)
                reply = ("kernel_info_reply", {"status": "ok", "protocol_version": "5.3", "implementation": "pynull",
                                               "implementation_version": "0", "banner": "runs nothing",
                                               "language_info": {"name": "python"}})
            elif kind == "shutdown_request":
                session.send(s, "shutdown_reply", msg["content"], parent=msg, ident=idents)
                return
            if reply:
                session.send(s, reply[0], reply[1], parent=msg, ident=idents)
                session.send(iopub, "status", {"execution_state": "idle"}, parent=msg)


if __name__ == "__main__":
    main()
