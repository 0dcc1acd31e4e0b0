"""A tiny HTTP client for scripts and tests: sign in through the real login form, then fetch.

Standard library only, so the backup drill can run it against any running portal.
    python scripts/portal_http.py http://127.0.0.1:8123 party_branch Qpdo@2024 \
        /stars/nominations/1/form.pdf
prints the status, the content type and the size of the answer, and exits 1 unless it is 200.
"""

from __future__ import annotations

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


class Portal:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf_cookie(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def request(self, path: str, data: dict | list | None = None, headers: dict | None = None):
        """Return (status, headers, body); POSTs carry the CSRF token of the session."""
        body = None
        headers = dict(headers or {})
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self._csrf_cookie()
            headers["Referer"] = self.base + path
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(req, timeout=120) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def csrf_from(self, html: bytes) -> str:
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match.group(1).decode() if match else self._csrf_cookie()

    def sign_in(self, username: str, password: str) -> None:
        status, _, page = self.request("/accounts/login/")
        token = self.csrf_from(page)
        status, _, page = self.request(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        if status != 200 or b'name="password"' in page:
            raise SystemExit(f"登录失败：{username}（HTTP {status}）")


def main(argv: list[str]) -> int:
    base, username, password, path = argv
    portal = Portal(base)
    portal.sign_in(username, password)
    status, headers, body = portal.request(path)
    print(f"{path}: HTTP {status} {headers.get('Content-Type')} {len(body)} 字节")
    if status != 200:
        return 1
    if path.endswith(".pdf") and not body.startswith(b"%PDF"):
        print("不是 PDF 文件")
        return 1
    sys.stdout.buffer.write(b"")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
