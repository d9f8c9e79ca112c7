"""Drive a kernel served by TestJupyterClientInterop with jupyter_client.

Usage: interop.py CONNECTION_FILE

Every reply and iopub message is checked against jupyter_kernel_test's
message schemas (protocol 5.x). Prints "OK" and exits 0 on success.
"""
import sys
import time

from jupyter_client import BlockingKernelClient
from jupyter_kernel_test.msgspec_v5 import validate_message

TIMEOUT = 10


def drain(kc, msg_id):
    """Returns iopub messages of msg_id up to and including status idle."""
    out = []
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        validate_message(msg, msg["msg_type"], msg_id)
        out.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out


def main():
    kc = BlockingKernelClient()
    kc.load_connection_file(sys.argv[1])
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)

    msg_id = kc.kernel_info()
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    validate_message(reply, "kernel_info_reply", msg_id)
    assert reply["content"]["language_info"]["name"] == "go", reply
    drain(kc, msg_id)

    msg_id = kc.execute("stdout hello\ndisplay text/html <b>x</b>\nvalue 42")
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    validate_message(reply, "execute_reply", msg_id)
    assert reply["content"]["status"] == "ok", reply
    types = [m["msg_type"] for m in drain(kc, msg_id)]
    assert types == ["status", "execute_input", "stream", "display_data", "execute_result", "status"], types

    msg_id = kc.execute("error Panic boom")
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    validate_message(reply, "execute_reply", msg_id)
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "Panic", reply
    drain(kc, msg_id)

    for req, rtype in [
        (lambda: kc.complete("fmt.Pri", 7), "complete_reply"),
        (lambda: kc.inspect("fmt.Println", 6), "inspect_reply"),
        (lambda: kc.is_complete("func f() {"), "is_complete_reply"),
        (lambda: kc.history(hist_access_type="tail", n=2, output=True, raw=True), "history_reply"),
        (lambda: kc.comm_info(), "comm_info_reply"),
    ]:
        msg_id = req()
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        validate_message(reply, rtype, msg_id)
        drain(kc, msg_id)

    # input_request on stdin.
    kc.allow_stdin = True
    msg_id = kc.execute("input name?", allow_stdin=True)
    req = kc.get_stdin_msg(timeout=TIMEOUT)
    # Not validate_message: jupyter_kernel_test's schema types password as
    # a number; the spec (and ipykernel) send a bool.
    assert req["msg_type"] == "input_request", req
    assert req["parent_header"]["msg_id"] == msg_id, req
    assert req["content"] == {"prompt": "name?", "password": False}, req
    kc.input("gopher")
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    validate_message(reply, "execute_reply", msg_id)
    out = drain(kc, msg_id)
    text = "".join(m["content"]["text"] for m in out if m["msg_type"] == "stream")
    assert text == "got gopher\n", out

    # Heartbeat: the channel reports a beating kernel.
    time.sleep(0.1)
    assert kc.hb_channel.is_beating(), "heartbeat"

    # Interrupt a running cell over control.
    msg_id = kc.execute("block")
    time.sleep(0.2)
    ctl = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(ctl)
    creply = kc.get_control_msg(timeout=TIMEOUT)
    validate_message(creply, "interrupt_reply", ctl["header"]["msg_id"])
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["content"]["status"] == "error", reply

    # Shutdown over control.
    msg_id = kc.shutdown(restart=False)
    reply = kc.get_control_msg(timeout=TIMEOUT)
    validate_message(reply, "shutdown_reply", msg_id)
    assert reply["content"]["restart"] is False, reply
    kc.stop_channels()
    print("OK")


if __name__ == "__main__":
    main()
