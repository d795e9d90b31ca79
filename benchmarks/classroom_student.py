"""One simulated student, as a browser talks to JupyterHub and to the student's Jupyter server.

Used by ``benchmarks/classroom.py``.  The student:

1. opens ``/hub/login`` and posts the login form (with its ``_xsrf`` field), as the login page does;
2. asks for a server (``/hub/spawn/<name>``) and follows the spawn-progress event stream until ready;
3. opens ``/user/<name>/lab`` (JupyterHub's OAuth redirects set the server's cookies), reads the
   notebook through the contents API and starts a kernel session (``POST /api/sessions``), as
   JupyterLab does when a notebook is opened;
4. connects the kernel websocket (``/api/kernels/<id>/channels``), sends ``kernel_info_request``,
   then one ``execute_request`` per code cell, all at once (Run All: the kernel queues them and,
   after an error, aborts the rest);
5. moves one slider of a dashboard: a ``comm_msg`` ``{"method": "update", "state": {"value": …}}``
   on the shell channel, exactly what the ipywidgets front end sends, and waits until the kernel
   is idle again, counting the messages that redrew the dashboard.

Every step's time is recorded; nothing raises out of ``run_student``: failures become ``errors``.
"""
import asyncio
import json
import re
import struct
import time
import uuid
from urllib.parse import quote

import httpx
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

PASSWORD = "classroom"                           # the dummy authenticator takes any password
SLIDERS = {"FloatSliderModel", "IntSliderModel", "FloatLogSliderModel"}
XSRF_FIELD = re.compile(r'name="_xsrf"\s+value="([^"]+)"')


def message(msg_type, content, session, channel="shell"):
    """A Jupyter message in the websocket's JSON form."""
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "student", "session": session,
                       "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}


def decode(frame):
    """A websocket frame as a message dict: text is JSON; binary frames carry buffers
    (uint32 count, uint32 offsets, then the JSON and each buffer), as jupyter_server sends them."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = struct.unpack("!I", frame[:4])[0]
    offsets = list(struct.unpack(f"!{count}I", frame[4:4 * (count + 1)])) + [len(frame)]
    msg = json.loads(frame[offsets[0]:offsets[1]].decode("utf-8"))
    msg["buffers"] = [frame[a:b] for a, b in zip(offsets[1:-1], offsets[2:])]
    return msg


def new_value(state):
    """A slider value 60 % of the way along its range, on its step, different from the current one."""
    low, high = state["min"], state["max"]
    step = state.get("step") or (high - low) / 100
    for fraction in (0.6, 0.3, 0.9):
        exponent = low + round(fraction * (high - low) / step) * step
        value = state.get("base", 10) ** exponent if state["_model_name"] == "FloatLogSliderModel" else exponent
        value = int(value) if state["_model_name"] == "IntSliderModel" else float(value)
        if value != state.get("value"):
            return value
    raise ValueError(f"slider {state.get('description')!r} has no second value in [{low}, {high}]")


class Kernel:
    """A kernel websocket with the student's cookies; ``read`` returns the next message (None on timeout)."""

    def __init__(self, ws, session):
        self.ws, self.session = ws, session
        self.widgets = {}                           # comm id → the widget model's state

    @classmethod
    async def connect(cls, url, cookies, xsrf, timeout):
        """The server answers the handshake once the kernel is up: under load that can take a while."""
        request = HTTPRequest(url, headers={"Cookie": cookies, "X-XSRFToken": xsrf}, connect_timeout=timeout,
                              request_timeout=timeout)
        return cls(await websocket_connect(request, max_message_size=256 * 2**20), uuid.uuid4().hex)

    async def send(self, msg_type, content):
        msg = message(msg_type, content, self.session)
        await self.ws.write_message(json.dumps(msg))
        return msg["header"]["msg_id"]

    async def read(self, deadline):
        try:
            frame = await asyncio.wait_for(self.ws.read_message(), max(deadline - time.monotonic(), 0.01))
        except asyncio.TimeoutError:
            return None
        if frame is None:
            raise ConnectionError("the kernel websocket closed")
        msg = decode(frame)
        content = msg.get("content", {})
        if msg["header"]["msg_type"] == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.widgets[content["comm_id"]] = dict(content["data"].get("state", {}))
        elif msg["header"]["msg_type"] == "comm_msg" and content.get("comm_id") in self.widgets:
            self.widgets[content["comm_id"]].update(content.get("data", {}).get("state", {}))
        return msg

    async def run_all(self, sources, timeout, errors):
        """Send every cell at once; wait for every reply. Returns the seconds until the last reply."""
        start = time.monotonic()
        pending = {}
        for index, source in sources:
            msg_id = await self.send("execute_request", {"code": source, "silent": False, "store_history": True,
                                                         "user_expressions": {}, "allow_stdin": False,
                                                         "stop_on_error": True})
            pending[msg_id] = index
        deadline = start + timeout
        while pending:
            msg = await self.read(deadline)
            if msg is None:
                errors.append(f"Run All: {len(pending)} cell(s) had no reply after {timeout:.0f} s")
                return None
            parent = msg.get("parent_header", {}).get("msg_id")
            kind, content = msg["header"]["msg_type"], msg.get("content", {})
            if kind == "execute_reply" and parent in pending:
                index = pending.pop(parent)
                if content.get("status") == "error":
                    errors.append(f"cell {index}: {content.get('ename')}: {content.get('evalue')}")
            elif kind == "stream" and content.get("name") == "stderr" and parent in pending:
                errors.append(f"cell {pending[parent]} wrote to stderr: {content.get('text', '').strip()[:120]}")
        return time.monotonic() - start

    async def move_slider(self, timeout, errors, description=None):
        """Move one slider as the front end does; (seconds until idle, messages that redrew) or (None, 0)."""
        sliders = [(cid, s) for cid, s in self.widgets.items() if s.get("_model_name") in SLIDERS
                   and not s.get("disabled") and (description is None or s.get("description") == description)]
        if not sliders:
            errors.append("no slider to move" + (f" described {description!r}" if description else ""))
            return None, 0
        comm_id, state = sliders[0]
        start = time.monotonic()
        msg_id = await self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "buffer_paths": [],
                                                                           "state": {"value": new_value(state)}}})
        redraws, deadline = 0, start + timeout
        while True:
            msg = await self.read(deadline)
            if msg is None:
                errors.append(f"slider {state.get('description')!r}: the kernel did not go idle within {timeout:.0f} s")
                return None, redraws
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["header"]["msg_type"], msg.get("content", {})
            if kind == "status" and content.get("execution_state") == "idle":
                return time.monotonic() - start, redraws
            if kind == "error" or (kind == "stream" and content.get("name") == "stderr"):
                errors.append(f"slider {state.get('description')!r}: {content.get('ename') or 'stderr'}: "
                              f"{(content.get('evalue') or content.get('text', '')).strip()[:120]}")
            elif (kind == "comm_msg" and content.get("comm_id") != comm_id
                  and content.get("data", {}).get("method") == "update") or kind in ("display_data",
                                                                                     "update_display_data"):
                redraws += 1

    async def close(self):
        self.ws.close()


def cookie_header(http):
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies.jar)


def xsrf_cookie(http, path):
    found = [c.value for c in http.cookies.jar if c.name == "_xsrf" and path.startswith(c.path or "/")]
    return found[-1] if found else ""


async def login_and_spawn(http, name, record, timeout):
    """The login form, then the spawn request and its progress stream; returns when the server is ready."""
    start = time.monotonic()
    page = await http.get("/hub/login")
    field = XSRF_FIELD.search(page.text)
    form = {"username": name, "password": PASSWORD, "_xsrf": field.group(1) if field else xsrf_cookie(http, "/hub/")}
    reply = await http.post("/hub/login", data=form, follow_redirects=False)
    if reply.status_code not in (302, 303):
        raise RuntimeError(f"login: HTTP {reply.status_code}")
    record["login_s"] = time.monotonic() - start
    start = time.monotonic()
    reply = await http.get(f"/hub/spawn/{name}", follow_redirects=False)
    if reply.status_code not in (200, 302, 303):
        raise RuntimeError(f"spawn request: HTTP {reply.status_code}")
    headers = {"X-XSRFToken": xsrf_cookie(http, "/hub/"), "Accept": "text/event-stream"}
    async with http.stream("GET", f"/hub/api/users/{name}/server/progress", headers=headers,
                           timeout=httpx.Timeout(timeout)) as events:
        if events.status_code != 200:
            raise RuntimeError(f"spawn progress: HTTP {events.status_code}")
        async for line in events.aiter_lines():
            if line.startswith("data:"):
                event = json.loads(line[5:])
                if event.get("failed"):
                    raise RuntimeError(f"spawn failed: {event.get('message')}")
                if event.get("ready"):
                    break
    record["spawn_s"] = time.monotonic() - start


async def open_notebook(http, name, path):
    """Open JupyterLab, read the notebook, start its kernel session; (kernel id, code cells, xsrf)."""
    base = f"/user/{name}"
    lab = await http.get(f"{base}/lab/tree/{quote(path)}")       # OAuth redirects set the server's cookies
    if lab.status_code != 200:
        raise RuntimeError(f"opening JupyterLab: HTTP {lab.status_code}")
    xsrf = xsrf_cookie(http, f"{base}/")
    headers = {"X-XSRFToken": xsrf}
    model = await http.get(f"{base}/api/contents/{quote(path)}", params={"content": "1"}, headers=headers)
    model.raise_for_status()
    cells = model.json()["content"]["cells"]
    sources = [(i, c["source"] if isinstance(c["source"], str) else "".join(c["source"]))
               for i, c in enumerate(cells) if c["cell_type"] == "code"]
    session = await http.post(f"{base}/api/sessions", headers=headers,
                              json={"path": path, "name": path, "type": "notebook", "kernel": {"name": "python3"}})
    session.raise_for_status()
    return session.json()["kernel"]["id"], sources, xsrf


async def run_student(hub_url, name, notebook, timeout=900, slider=None):
    """One student's whole visit; a dict of times (s), the slider's redraw count and errors.
    Each step may take ``timeout`` seconds, the whole visit three times that."""
    record = {"student": name, "errors": []}
    start = time.monotonic()
    try:
        await asyncio.wait_for(visit(hub_url, name, notebook, timeout, slider, record), 3 * timeout)
    except asyncio.TimeoutError:
        record["errors"].append(f"the visit took more than {3 * timeout} s and was abandoned")
    record["total_s"] = time.monotonic() - start
    return record


async def visit(hub_url, name, notebook, timeout, slider, record):
    ws_base = hub_url.replace("http://", "ws://", 1)
    kernel = None
    try:
        async with httpx.AsyncClient(base_url=hub_url, follow_redirects=True, timeout=httpx.Timeout(120.0)) as http:
            await asyncio.wait_for(login_and_spawn(http, name, record, timeout), timeout)
            t = time.monotonic()
            kernel_id, sources, xsrf = await open_notebook(http, name, notebook)
            kernel = await Kernel.connect(f"{ws_base}/user/{name}/api/kernels/{kernel_id}/channels",
                                          cookie_header(http), xsrf, timeout)
            info = await kernel.send("kernel_info_request", {})
            deadline = time.monotonic() + 120
            while True:
                msg = await kernel.read(deadline)
                if msg is None:
                    raise RuntimeError("the kernel did not answer kernel_info_request within 120 s")
                if msg["header"]["msg_type"] == "kernel_info_reply" and msg["parent_header"].get("msg_id") == info:
                    break
            record["open_s"] = time.monotonic() - t
            record["cells"] = len(sources)
            record["run_all_s"] = await kernel.run_all(sources, timeout, record["errors"])
            record["slider_s"], record["redraws"] = await kernel.move_slider(60, record["errors"], slider)
            if record["slider_s"] is not None and record["redraws"] == 0:
                record["errors"].append("the slider moved but nothing was redrawn")
    except Exception as err:   # recorded: a student who fails is a result, not a crash of the benchmark
        record["errors"].append(f"{type(err).__name__}: {err}")
    finally:
        if kernel is not None:
            await kernel.close()
