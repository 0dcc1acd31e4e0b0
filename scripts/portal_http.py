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
import uuid


class Portal:
    def __init__(self, base: str, jar: http.cookiejar.CookieJar | None = None) -> None:
        self.base = base.rstrip("/")
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf_cookie(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def request(
        self,
        path: str,
        data: dict | list | None = None,
        headers: dict | None = None,
        files: dict | None = None,
    ):
        """Return (status, headers, body); POSTs carry the CSRF token of the session.

        `files` maps a field name to (filename, bytes, content type): sent as multipart.
        """
        body = None
        headers = dict(headers or {})
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in (data or {}).items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for name, (filename, content, content_type) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            parts.append(f"--{boundary}--\r\n".encode())
            body = b"".join(parts)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if body is not None:
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
