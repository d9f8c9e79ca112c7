"""Jupyter's official conformance suite (jupyter_kernel_test) against the
installed gradbook kernel, with a Go sample for every optional test.

Run with Debian's Python, which has the Jupyter packages:

    /usr/bin/python3 -m unittest -v kernel/conformance/test_gradbook.py

The kernelspec "gradbook" must be installed first (./install.sh).
"""

import unittest
from queue import Empty

import jupyter_kernel_test
from jupyter_kernel_test import msgspec_v5
from jupyter_kernel_test.msgspec_v5 import validate_message

# The messaging spec's input_request has "password: bool" (ipykernel sends
# a bool too); this jupyter_kernel_test's schema says number, which no
# bool satisfies. Check against the spec.
msgspec_v5.schema_fragments["input_request"]["properties"]["password"] = {"type": "boolean"}

TIMEOUT = 30


class GradbookKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "gradbook"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'fmt.Fprintln(os.Stderr, "to stderr")'

    completion_samples = [
        {"text": "fmt.Print", "matches": {"Print", "Printf", "Println"}},
        {"text": "strings.ToUp", "matches": {"ToUpper", "ToUpperSpecial"}},
    ]

    complete_code_samples = [
        "x := 1",
        'fmt.Println("hi")',
        "func twice(n int) int { return 2 * n }",
        "for i := 0; i < 3; i++ {\n\tfmt.Println(i)\n}",
    ]
    incomplete_code_samples = [
        "func twice(n int) int {",
        "for i := 0; i < 3; i++ {",
        "xs := []int{1, 2,",
        "s := `raw string",
    ]
    invalid_code_samples = [
        "x := )",
        "}",
    ]

    code_page_something = "?fmt.Println"

    code_generate_error = 'panic("boom")'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "math.Sqrt(16)", "result": "4"},
        {"code": '[]int{1, 2, 3}', "result": "[1 2 3]"},
    ]

    code_display_data = [
        {"code": 'display.HTML("<b>bold</b>")', "mime": "text/html"},
        {"code": 'display.Markdown("# title")', "mime": "text/markdown"},
        {"code": 'display.LaTeX("$x^2$")', "mime": "text/latex"},
    ]

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "1 + *"

    code_inspect_sample = "fmt.Println"

    code_clear_output = 'fmt.Println("soon gone")\ndisplay.Clear(false)'

    def test_input(self):
        """A cell reading stdin sends input_request; the reply's value arrives."""
        self.flush_channels()
        msg_id = self.kc.execute(
            'var name string\nfmt.Scanln(&name)\nfmt.Println("hello " + name)',
            allow_stdin=True,
        )
        request = self.kc.get_stdin_msg(timeout=TIMEOUT)
        validate_message(request, "input_request")
        self.assertEqual(request["parent_header"]["msg_id"], msg_id)
        self.kc.input("gopher")
        reply = self.get_non_kernel_info_reply(timeout=TIMEOUT)
        validate_message(reply, "execute_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        text = ""
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=2)
            except Empty:
                break
            validate_message(msg)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                text += msg["content"]["text"]
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        self.assertIn("hello gopher", text)

    def test_input_not_allowed(self):
        """With allow_stdin false, reading stdin is a clear cell error, not a hang."""
        self.flush_channels()
        msg_id = self.kc.execute('var s2 string\n_, err := fmt.Scanln(&s2)\nif err != nil { panic(err) }',
                                 allow_stdin=False)
        reply = self.get_non_kernel_info_reply(timeout=TIMEOUT)
        validate_message(reply, "execute_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("stdin", reply["content"]["evalue"] + " ".join(reply["content"]["traceback"]))


if __name__ == "__main__":
    unittest.main()
