"""The project's tslab kernel (tslab 1.0.22 with patches/tslab+1.0.22.patch) against Jupyter's
messaging protocol: Jupyter's own conformance suite (jupyter_kernel_test), then what the kernel
promises beyond it — tracebacks that point at cells and lines, stop_on_error as the protocol
describes it, errors of a cell's asynchronous work shown as error outputs of a cell.

Run with `npm run test:kernel` (part of `npm test`), which puts the kernelspec on JUPYTER_PATH.
Conformance tests that do not apply to tslab are skipped by the suite itself: history (tslab keeps
no history), pager (no help payloads), clear_output (no API to clear a cell's output), and the
`invalid` is_complete samples (tslab answers only complete / incomplete). One kernel serves every
test: starting tslab (TypeScript's compiler) is most of the time.
"""
import os
import re
import time
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel

TIMEOUT = 30
kernel = {}


def setUpModule():
    kernel["km"], kernel["kc"] = start_new_kernel(kernel_name="tslab")


def tearDownModule():
    kernel["kc"].stop_channels()
    kernel["km"].shutdown_kernel()


class SharedKernel:
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = kernel["km"], kernel["kc"]

    @classmethod
    def tearDownClass(cls):
        pass


class TslabKernelTests(SharedKernel, jupyter_kernel_test.KernelTests):
    kernel_name = "tslab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world");'
    code_stderr = 'console.error("to stderr");'
    completion_samples = [{"text": "Math.cei", "matches": {"ceil"}}]
    complete_code_samples = ["1 + 1", "const a = 1;", "function f() { return 1; }"]
    incomplete_code_samples = ["function f() {", "const b = [1,"]
    code_generate_error = 'throw new Error("boom");'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": "ab"},
    ]
    code_display_data = [
        {"code": 'import * as tslab from "tslab";\ntslab.display.html("<b>hi</b>");', "mime": "text/html"},
    ]
    code_inspect_sample = "Math.max"



class TslabProtocolTests(SharedKernel, unittest.TestCase):
    def replies(self, msg_ids, timeout=TIMEOUT):
        """The execute_replies of msg_ids, in that order (other shell replies are skipped)."""
        got = {}
        while len(got) < len(msg_ids):
            msg = self.kc.get_shell_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") in msg_ids:
                got[msg["parent_header"]["msg_id"]] = msg["content"]
        return [got[i] for i in msg_ids]

    def shell_reply(self, msg_id):
        while True:
            msg = self.kc.get_shell_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def outputs(self, msg_id):
        """IOPub messages of one request up to its idle status: [(msg_type, content)]."""
        out = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status":
                if msg["content"]["execution_state"] == "idle":
                    return out
                continue
            out.append((msg["msg_type"], msg["content"]))

    def run_cell(self, code, timeout=TIMEOUT, **kw):
        msg_id = self.kc.execute(code, **kw)
        [reply] = self.replies([msg_id], timeout)
        return reply, self.outputs(msg_id)

    def errors(self, outputs):
        return [c for t, c in outputs if t == "error"]

    def test_runtime_error_traceback_points_at_cell_and_line(self):
        code = "function f(n: number): number {\n  if (n > 2) throw new RangeError(`too big: ${n}`);\n  return n;\n}\nf(1);\nf(3);"
        reply, outputs = self.run_cell(code)
        self.assertEqual(reply["status"], "error")
        n = reply["execution_count"]
        [err] = self.errors(outputs)
        self.assertEqual((err["ename"], err["evalue"]), ("RangeError", "too big: 3"))
        self.assertEqual(reply["ename"], "RangeError")
        tb = "\n".join(err["traceback"])
        self.assertIn(f"at f (In [{n}]:2:20)", tb)
        self.assertIn(f"In [{n}]:6:", tb)
        self.assertIn("throw new RangeError(`too big: ${n}`);", tb)
        self.assertNotIn("tslab/dist", tb, "frames of the kernel itself are left out")
        self.assertEqual([t for t, _ in outputs if t == "stream"], [], "the error is not also printed to stderr")

    def test_typescript_error(self):
        reply, outputs = self.run_cell("const ok = 1;\nconst n: number = 'not a number';")
        n = reply["execution_count"]
        [err] = self.errors(outputs)
        self.assertEqual(err["ename"], "TypeScript error")
        self.assertEqual(err["evalue"], "Type 'string' is not assignable to type 'number'.")
        self.assertEqual(err["traceback"][0], f"In [{n}]:2:7 - Type 'string' is not assignable to type 'number'.")

    def test_execute_result_and_counts(self):
        reply, outputs = self.run_cell("const xs = [1, 2, 3];\nxs.map((x) => x * 2)")
        n = reply["execution_count"]
        self.assertEqual(outputs[0], ("execute_input", {"code": "const xs = [1, 2, 3];\nxs.map((x) => x * 2)", "execution_count": n}))
        self.assertEqual(outputs[-1], ("execute_result", {"execution_count": n, "data": {"text/plain": "[ 2, 4, 6 ]"}, "metadata": {}}))
        reply2, _ = self.run_cell("xs.length")
        self.assertEqual(reply2["execution_count"], n + 1)
        # Console output and warnings are streams, as before.
        _, outputs = self.run_cell('console.log("out"); console.warn("careful")')
        self.assertEqual([(t, c["name"], c["text"]) for t, c in outputs if t == "stream"],
                         [("stream", "stdout", "out\n"), ("stream", "stderr", "careful\n")])

    def test_stop_on_error_aborts_only_what_was_queued(self):
        ids = [self.kc.execute('throw new Error("first")'), self.kc.execute("1 + 1"), self.kc.execute("2 + 2")]
        self.assertEqual([r["status"] for r in self.replies(ids)], ["error", "aborted", "aborted"])
        # Sent after the error reply: runs, at once (no timing window).
        r = self.replies([self.kc.execute("3 + 3")])[0]
        self.assertEqual(r["status"], "ok", r)
        # A cell busy for a while, with requests arriving meanwhile, then failing.
        ids = [self.kc.execute("const t0 = Date.now();\nwhile (Date.now() - t0 < 300) {}\nthrow new Error('slow')"),
               self.kc.execute("4 + 4")]
        self.assertEqual([r["status"] for r in self.replies(ids)], ["error", "aborted"])
        # The client may ask to go on.
        ids = [self.kc.execute('throw new Error("x")', stop_on_error=False), self.kc.execute("5 + 5")]
        self.assertEqual([r["status"] for r in self.replies(ids)], ["error", "ok"])

    def test_interrupt_fails_the_cell_and_the_next_runs(self):
        # "waiting" is printed once the cell awaits (printed before, a SIGINT could reach Node's
        # guard of the cell's synchronous part just as that part ends, and be lost).
        msg_id = self.kc.execute('setTimeout(() => console.log("waiting"), 0);\nawait new Promise((r) => setTimeout(r, 20000));')
        while True:  # until the cell runs
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                break
        self.km.interrupt_kernel()
        [reply] = self.replies([msg_id])
        self.assertEqual((reply["status"], reply.get("evalue")), ("error", "Interrupted asynchronously"), reply)
        self.assertEqual(reply["traceback"], ["Error: Interrupted asynchronously"], "no frames of the kernel itself")
        self.outputs(msg_id)
        self.assertEqual(self.run_cell("1")[0]["status"], "ok")

    def test_unhandled_rejection_fails_its_cell(self):
        reply, outputs = self.run_cell('Promise.reject(new Error("nobody listens"));\nconsole.log("after")')
        self.assertEqual(reply["status"], "error")
        [err] = self.errors(outputs)
        self.assertEqual(err["evalue"], "nobody listens")
        self.assertEqual(err["traceback"][0], "Unhandled promise rejection in asynchronous code:")

    def test_timer_error_while_cell_awaits_fails_that_cell(self):
        reply, outputs = self.run_cell('setTimeout(() => { throw new Error("tick"); }, 10);\nawait new Promise((r) => setTimeout(r, 5000));')
        self.assertEqual(reply["status"], "error")
        [err] = self.errors(outputs)
        self.assertEqual(err["traceback"][0], "Uncaught exception in asynchronous code:")
        self.assertIn(f"In [{reply['execution_count']}]:1:", "\n".join(err["traceback"]))

    def test_timer_error_after_its_cell_fails_the_next_cell(self):
        reply, _ = self.run_cell('setTimeout(() => { throw new Error("later"); }, 50);\n"started"')
        self.assertEqual(reply["status"], "ok")
        n = reply["execution_count"]
        time.sleep(0.5)  # the timer fires while no cell runs
        reply2, outputs = self.run_cell('console.log("not run")')
        self.assertEqual(reply2["status"], "error")
        [err] = self.errors(outputs)
        self.assertEqual(err["evalue"], "later")
        self.assertEqual(err["traceback"][0], f"This cell was not run: asynchronous work failed after In [{n}] had finished.")
        self.assertIn(f"In [{n}]:1:", "\n".join(err["traceback"]))
        self.assertNotIn(("stream", "stdout"), [(t, c.get("name")) for t, c in outputs])
        # Reported once: the cell after runs.
        self.assertEqual(self.run_cell("1")[0]["status"], "ok")

    def test_requests_jupyterlab_sends_are_answered(self):
        # JupyterLab 4 and Notebook 7 ask for history (the console, a notebook's arrow keys);
        # tslab keeps none, and says so instead of leaving the request unanswered.
        reply = self.shell_reply(self.kc.history(hist_access_type="tail", n=10))
        self.assertEqual((reply["msg_type"], reply["content"]), ("history_reply", {"status": "ok", "history": []}))
        reply = self.shell_reply(self.kc.comm_info())
        self.assertEqual((reply["msg_type"], reply["content"]), ("comm_info_reply", {"status": "ok", "comms": {}}))
        # A comm to a target tslab does not have is closed at once, as the messaging spec asks.
        msg = self.kc.session.msg("comm_open", {"comm_id": "c-1", "target_name": "jupyter.widget", "data": {}})
        self.kc.shell_channel.send(msg)
        while True:
            out = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if out["parent_header"].get("msg_id") == msg["header"]["msg_id"] and out["msg_type"] == "comm_close":
                self.assertEqual(out["content"], {"comm_id": "c-1", "data": {}})
                break

    def test_interrupt_request_on_the_control_channel(self):
        # For a kernelspec with interrupt_mode "message": the same as SIGINT.
        msg_id = self.kc.execute('setTimeout(() => console.log("waiting"), 0);\nawait new Promise((r) => setTimeout(r, 20000));')
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                break
        request = self.kc.session.msg("interrupt_request", {})
        self.kc.control_channel.send(request)
        reply = self.kc.get_control_msg(timeout=TIMEOUT)
        self.assertEqual((reply["msg_type"], reply["content"]["status"]), ("interrupt_reply", "ok"))
        [reply] = self.replies([msg_id])
        self.assertEqual(reply.get("evalue"), "Interrupted asynchronously")
        self.outputs(msg_id)

    def test_stop_ends_a_training_run_and_keeps_the_model(self):
        pid = self.km.provisioner.process.pid
        threads = lambda: len(os.listdir(f"/proc/{pid}/task"))
        def cpu_seconds():
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
        reply, _ = self.run_cell(
            'import * as tsdl from "tsdl";\nawait tsdl.selectBackend("wasm");\n'
            "const xs = tsdl.tf.randomUniform([40, 28, 28, 1]) as tsdl.tf.Tensor4D;\n"
            'const ys = tsdl.tf.oneHot(tsdl.tf.tensor1d([...Array(40).keys()].map((i) => i % 10), "int32"), 10).toFloat() as tsdl.tf.Tensor2D;\n'
            "const model = tsdl.cnn({ seed: 1, filters: [4, 8], denseUnits: 16 });", timeout=120)
        self.assertEqual(reply["status"], "ok", reply)
        idle = threads()
        # Two workers and epochs enough for hours: only Stop ends it.
        msg_id = self.kc.execute(
            "const before = 42;\n"
            "const history = await tsdl.fit(model, { train: { xs: xs, ys: ys, size: 40 } }, { epochs: 100000, batchSize: 10, lr: 1e-3, "
            'workers: 2, progress: false, onEpoch: (log) => console.log("epoch", log.epoch) });')
        while True:  # until the workers train
            msg = self.kc.get_iopub_msg(timeout=120)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                break
        training = threads()
        self.assertGreaterEqual(training, idle + 2, "two worker threads")
        interrupted = time.monotonic()
        self.km.interrupt_kernel()  # the kernelspec has no interrupt_mode: SIGINT, as Jupyter sends it
        [reply] = self.replies([msg_id])
        seconds = time.monotonic() - interrupted
        self.outputs(msg_id)
        # fit's own error, not the kernel's bare "Interrupted" after its 10 s grace.
        self.assertEqual(reply["ename"], "TrainingInterruptedError", reply)
        self.assertRegex(reply["evalue"], r"^fit: training interrupted (in epoch \d+ of 100000, after batch \d of 4|after epoch \d+ of 100000); the model keeps the weights it had then$")
        self.assertLess(seconds, 10)
        self.assertLessEqual(threads(), training - 2, "the workers are gone")
        used = cpu_seconds()
        time.sleep(1)
        self.assertLess(cpu_seconds() - used, 0.3, "the kernel is idle again")
        # The model (an earlier cell's) and what the interrupted cell declared before its await live on.
        reply, outputs = self.run_cell("console.log(before, (model.predict(xs) as tsdl.tf.Tensor).shape);")
        self.assertEqual(reply["status"], "ok", reply)
        self.assertIn(("stream", "42 [ 40, 10 ]\n"), [(t, c.get("text")) for t, c in outputs])


if __name__ == "__main__":
    unittest.main()
