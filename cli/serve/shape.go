package serve

import (
	"bytes"
	"encoding/json"
	"net"
	"regexp"
	"strconv"

	"github.com/atg-go/atg/handler/apierr"
)

// net/http answers requests it cannot parse (a malformed request line, bad or oversized headers,
// a missing Host) itself, before any handler, in plain text:
//
//	HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: …
//
// shapedListener rewrites exactly those answers into the API's error document, so every
// response of the service has one shape. Handler responses never match: they carry Date and
// Content-Length or chunking, and the API never answers text/plain.
type shapedListener struct{ net.Listener }

func (l shapedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &shapedConn{Conn: c}, nil
}

type shapedConn struct{ net.Conn }

var plainErrorRE = regexp.MustCompile(`^HTTP/1\.[01] ([45]\d\d) ([^\r\n]*)\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n([^\r\n]*)$`)

func (c *shapedConn) Write(b []byte) (int, error) {
	if !bytes.HasPrefix(b, []byte("HTTP/1.")) || !bytes.Contains(b, []byte("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n")) {
		return c.Conn.Write(b)
	}
	m := plainErrorRE.FindSubmatch(b)
	if m == nil {
		return c.Conn.Write(b)
	}
	status, _ := strconv.Atoi(string(m[1]))
	body, err := json.Marshal(apierr.Body{Error: apierr.BodyError{Code: string(apierr.CodeForStatus(status)), Message: "malformed HTTP request: " + string(m[3])}})
	if err != nil {
		return c.Conn.Write(b)
	}
	body = append(body, '\n')
	out := "HTTP/1.1 " + string(m[1]) + " " + string(m[2]) + "\r\nContent-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + string(body)
	if _, err := c.Conn.Write([]byte(out)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// CloseWrite lets net/http half-close the connection after an error answer (so the client
// reads it before the close), as it does on a bare *net.TCPConn.
func (c *shapedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
