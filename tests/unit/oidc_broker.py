# oidc_broker.py: a tiny HTTPS OpenID provider for test_oidc.c, on a
# loopback port it picks itself (written to PORTFILE). Each path plays one
# answer of a broker: discovery, JWKS, a token endpoint that echoes what it
# got, an OAuth error, a slow one, an oversized one, a 500.
# Usage: python3 oidc_broker.py CERT KEY JWKS PORTFILE ISSUER
import base64, json, ssl, sys, time, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl
cert, key, jwks, portfile, iss = sys.argv[1:6]
hits = {"jwks": 0}
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, code, body, ctype="application/json"):
        if isinstance(body, (dict, list)): body = json.dumps(body)
        if isinstance(body, str): body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try: self.wfile.write(body)
        except Exception: pass
    def doc(self, pre):
        b = "https://127.0.0.1:%d" % self.server.server_address[1]
        return {"issuer": iss, "authorization_endpoint": b + "/authorize",
                "token_endpoint": b + "/token", "jwks_uri": b + pre + "/jwks.json",
                "userinfo_endpoint": b + "/userinfo", "end_session_endpoint": b + "/logout",
                "code_challenge_methods_supported": ["S256"]}
    def seen(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode() if n else ""
        a = self.headers.get("Authorization") or ""
        basic = base64.b64decode(a[6:]).decode() if a.startswith("Basic ") else ""
        return {"seen_auth": a, "seen_basic": basic, "seen_body": body,
                "seen_form": dict(parse_qsl(body)), "seen_accept": self.headers.get("Accept") or ""}
    def route(self):
        p = self.path.split("?")[0]
        s = self.seen()
        if p == "/.well-known/openid-configuration": return self.send(200, self.doc(""))
        if p == "/bad/.well-known/openid-configuration": return self.send(200, self.doc("/bad"))
        if p == "/jwks.json":
            hits["jwks"] += 1
            return self.send(200, open(jwks).read())
        if p == "/bad/jwks.json": return self.send(200, {"keys": []})
        if p == "/stats": return self.send(200, hits)
        if p == "/token":
            # What the endpoint got comes back as the access token.
            return self.send(200, {"id_token": "h.p.s", "access_token": json.dumps(s),
                                   "token_type": "Bearer"})
        if p == "/token-refused": return self.send(400, {"error": "invalid_grant", "error_description": "code used"})
        if p == "/token-400-html": return self.send(400, "<html>no</html>", "text/html")
        if p == "/token-notjson": return self.send(200, "id_token=x", "text/plain")
        if p == "/token-noid": return self.send(200, {"access_token": "at"})
        if p == "/slow":
            time.sleep(4)
            return self.send(200, {"id_token": "late"})
        if p == "/big": return self.send(200, '{"id_token":"' + "x" * (3 * 1024 * 1024) + '"}')
        if p == "/big-stream":
            # No Content-Length: the client must stop reading by itself.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(b'{"id_token":"')
                for _ in range(48):
                    self.wfile.write(b"x" * 65536)
            except Exception:
                pass
            return
        if p == "/err500": return self.send(500, {"error": "server_error"})
        if p == "/redirect":
            self.send_response(302); self.send_header("Location", "/token")
            self.send_header("Content-Length", "0"); self.end_headers(); return
        if p == "/userinfo":
            s.update({"sub": "sub-1"})
            return self.send(200, s)
        return self.send(404, {"error": "not_found"})
    do_GET = route
    do_POST = route
srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(portfile + ".tmp", "w") as f: f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
