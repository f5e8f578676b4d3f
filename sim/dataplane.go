package sim

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// Data-plane hosts (<vault>.vault.azure.net, <account>.blob.core.windows.net, …) are not
// reachable offline, yet clients call them while reading a resource: the azurerm provider reads
// a key vault's certificate contacts on every refresh and retries an unresolvable host until its
// read timeout (5 minutes per vault). With HTTPS_PROXY=https://<simulator> (loopback endpoints
// are never proxied) the simulator is the proxy: it accepts CONNECT to the data-plane suffixes its
// certificate names, terminates TLS with that certificate and answers as the service does for
// what it does not hold — Key Vault: the bearer challenge, then 404 for contacts, secrets, keys
// and certificates; other services: 404. Any other host is refused (403), never dialled.

// dataPlaneSuffixes are the host suffixes the certificate covers (as *.suffix) and CONNECT accepts.
var dataPlaneSuffixes = []string{"vault.azure.net", "blob.core.windows.net", "file.core.windows.net", "queue.core.windows.net",
	"table.core.windows.net", "dfs.core.windows.net", "web.core.windows.net", "azurecr.io", "scm.azurewebsites.net", "azurewebsites.net",
	"database.windows.net", "managedhsm.azure.net"}

func dataPlaneHost(host string) bool {
	h := strings.ToLower(host)
	if hh, _, err := net.SplitHostPort(h); err == nil {
		h = hh
	}
	for _, s := range dataPlaneSuffixes {
		if strings.HasSuffix(h, "."+s) && !strings.Contains(strings.TrimSuffix(h, "."+s), ".") {
			return true
		}
	}
	return false
}

// serveConnect tunnels a CONNECT to a data-plane host into the simulator's data-plane answers.
func (s *Simulator) serveConnect(w http.ResponseWriter, r *http.Request) {
	s.stats.inc("req:dataplane-connect")
	if s.tlsCert == nil || !dataPlaneHost(r.Host) {
		http.Error(w, "the simulator proxies only the data-plane hosts of its certificate", http.StatusForbidden)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "cannot tunnel", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	if _, err := buf.WriteString("HTTP/1.1 200 Connection established\r\n\r\n"); err != nil || buf.Flush() != nil {
		return
	}
	tc := tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{*s.tlsCert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}})
	_ = tc.SetDeadline(time.Now().Add(2 * time.Minute))
	br := bufio.NewReader(tc)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		rec := httptest.NewRecorder()
		s.serveDataPlane(rec, req)
		resp := rec.Result()
		resp.ContentLength = int64(rec.Body.Len()) // a framed body: the tunnel stays open for the next request
		resp.Close = req.Close
		if err := resp.Write(tc); err != nil || req.Close {
			return
		}
	}
}

// serveDataPlane answers a data-plane request: Key Vault's bearer challenge and 404s.
func (s *Simulator) serveDataPlane(w http.ResponseWriter, r *http.Request) {
	s.stats.inc("req:dataplane")
	host := strings.ToLower(r.Host)
	if strings.Contains(host, ".vault.azure.net") {
		if r.Header.Get("Authorization") == "" {
			s.st.mu.RLock()
			tid := s.st.tenants[0].id
			s.st.mu.RUnlock()
			w.Header().Set("WWW-Authenticate", `Bearer authorization="https://login.microsoftonline.com/`+tid+`", resource="https://vault.azure.net"`)
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"code": "Unauthorized", "message": "AKV10000: Request is missing a Bearer or PoP token."}})
			return
		}
		code, msg := "NotFound", "The requested item was not found in the simulator's key vault."
		if strings.HasPrefix(strings.ToLower(r.URL.Path), "/certificates/contacts") {
			code, msg = "ContactsNotFound", "Contacts not found"
		}
		writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"code": code, "message": msg}})
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"code": "ResourceNotFound", "message": "The simulator holds no data-plane content."}})
}
