package replicate

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// secrets holds the values generated for secret variables during one Deploy. They live only in
// memory and are only ever written into PUT bodies.
type secrets struct {
	mu     sync.Mutex
	values map[string]string
}

func (s *secrets) get(name string, gen func() (string, error)) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.values[name]; ok {
		return v, nil
	}
	v, err := gen()
	if err != nil {
		return "", err
	}
	if s.values == nil {
		s.values = map[string]string{}
	}
	s.values[name] = v
	return v, nil
}

// GeneratePassword returns a random password of n characters (n >= 16) with upper- and
// lower-case letters, digits and symbols, as Azure's VM and SQL complexity rules require.
func GeneratePassword(n int) (string, error) {
	if n < 16 {
		n = 16
	}
	const (
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		lower  = "abcdefghijkmnopqrstuvwxyz"
		digits = "23456789"
		symbol = "!#%*+-=?@^_~"
	)
	all := upper + lower + digits + symbol
	pick := func(set string) (byte, error) {
		i, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		if err != nil {
			return 0, fmt.Errorf("generate password: %w", err)
		}
		return set[i.Int64()], nil
	}
	b := make([]byte, 0, n)
	for _, set := range []string{upper, lower, digits, symbol} {
		c, err := pick(set)
		if err != nil {
			return "", err
		}
		b = append(b, c)
	}
	for len(b) < n {
		c, err := pick(all)
		if err != nil {
			return "", err
		}
		b = append(b, c)
	}
	// shuffle so the classes are not in fixed positions
	for i := len(b) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", fmt.Errorf("generate password: %w", err)
		}
		b[i], b[j.Int64()] = b[j.Int64()], b[i]
	}
	return string(b), nil
}

// generatePublicKey returns a fresh ssh-ed25519 public key; the private key is discarded (the
// source's key was not available, so nobody can log in with a key until one is set).
func generatePublicKey() (string, error) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", fmt.Errorf("generate ssh key: %w", err)
	}
	var buf []byte
	put := func(b []byte) {
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(len(b)))
		buf = append(buf, l[:]...)
		buf = append(buf, b...)
	}
	put([]byte("ssh-ed25519"))
	put(pub)
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(buf) + " atg-generated", nil
}

// desired is a resource's concrete ARM body for the target.
type desired struct {
	body map[string]any
	// secretPaths are the body paths holding generated secrets: never compared, never re-sent on
	// an update, never shown.
	secretPaths []string
	// generatedPaths hold generated non-secret values (an SSH public key the source did not give):
	// not compared; an update keeps the target's value.
	generatedPaths []string
	// unresolved names a Ref.Property whose source resource is not deployed yet.
	unresolved string
}

// resolver turns symbolic model values into target values.
type resolver struct {
	plan     *Plan
	secrets  *secrets
	deployed func(key string) map[string]any // body of a deployed (or existing) resource, or nil
	dryRun   bool
}

func (rv *resolver) resolve(it *Item) (*desired, error) {
	r := it.res
	d := &desired{body: map[string]any{}}
	if r.Location != "" {
		d.body["location"] = r.Location
	}
	var err error
	val := func(v any, path string) any {
		if err != nil {
			return nil
		}
		var out any
		out, err = rv.value(r, v, path, d)
		return out
	}
	if len(r.Tags) > 0 {
		tags := map[string]any{}
		for k, v := range r.Tags {
			tags[k] = v
		}
		// a tag that held a secret is a variable: generated, never copied
		d.body["tags"] = val(tags, "tags")
	}
	if r.IsResourceGroup() {
		return d, err
	}
	if r.Kind != "" {
		d.body["kind"] = r.Kind
	}
	if len(r.SKU) > 0 {
		d.body["sku"] = val(r.SKU, "sku")
	}
	if len(r.Plan) > 0 {
		d.body["plan"] = val(r.Plan, "plan")
	}
	if len(r.Zones) > 0 {
		z := make([]any, len(r.Zones))
		for i, x := range r.Zones {
			z[i] = x
		}
		d.body["zones"] = z
	}
	if r.Identity != nil {
		id := map[string]any{"type": r.Identity.Type}
		if len(r.Identity.UserAssigned) > 0 {
			ua := map[string]any{}
			for _, u := range r.Identity.UserAssigned {
				s, _ := val(u, "identity.userAssignedIdentities").(string)
				if s != "" {
					ua[s] = map[string]any{}
				}
			}
			id["userAssignedIdentities"] = ua
		}
		d.body["identity"] = id
	}
	props := map[string]any{}
	if r.Body != nil {
		props, _ = val(r.Body, "properties").(map[string]any)
	}
	d.body["properties"] = props
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (rv *resolver) value(r *model.Resource, v any, path string, d *desired) (any, error) {
	switch t := v.(type) {
	case model.Ref:
		return rv.ref(r, t, d)
	case model.Var:
		return rv.variable(r, t, path, d)
	case model.SubRel:
		return "/subscriptions/" + r.Subscription + t.Path, nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			y, err := rv.value(r, x, jsonpath.Join(path, k), d)
			if err != nil {
				return nil, err
			}
			out[k] = y
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			y, err := rv.value(r, x, jsonpath.Index(path, i), d)
			if err != nil {
				return nil, err
			}
			out[i] = y
		}
		return out, nil
	default:
		return v, nil
	}
}

func (rv *resolver) ref(r *model.Resource, t model.Ref, d *desired) (any, error) {
	target := rv.plan.byKey[t.Target]
	if target == nil {
		return nil, fmt.Errorf("reference to %s, which is not in the plan", t.Target)
	}
	if t.Property == "" {
		return target.TargetID + t.Suffix, nil
	}
	body := rv.deployed(t.Target)
	if body != nil {
		for _, p := range []string{"properties." + t.Property, t.Property} {
			if s, ok := jsonpath.Get(body, p).(string); ok && s != "" {
				return s, nil
			}
		}
	}
	d.unresolved = t.Target + "." + t.Property
	return "<" + t.Property + " of " + target.TargetID + ">", nil
}

func (rv *resolver) variable(r *model.Resource, t model.Var, path string, d *desired) (any, error) {
	v := rv.plan.model.Variable(t.Name)
	if v == nil {
		return nil, fmt.Errorf("variable %s is not declared", t.Name)
	}
	switch v.Kind {
	case model.VarSecret:
		d.secretPaths = append(d.secretPaths, path)
		if rv.dryRun {
			return "<generated secret>", nil
		}
		return rv.secrets.get(t.Name, func() (string, error) { return GeneratePassword(24) })
	case model.VarPublicKey:
		if s := rv.plan.variable(t.Name, r); s != "" {
			return s, nil
		}
		if rv.plan.SSHPublicKey != "" {
			return rv.plan.SSHPublicKey, nil
		}
		d.generatedPaths = append(d.generatedPaths, path)
		return rv.secrets.get(t.Name, generatePublicKey)
	}
	s := rv.plan.variable(t.Name, r)
	if s == "" {
		return nil, fmt.Errorf("variable %s (%s) has no value", t.Name, v.Kind)
	}
	return s, nil
}

// untranslated returns the first ARM id in body that still names a source subscription that is
// not also a target (a reference translation missed), or "".
func (p *Plan) untranslated(body any) string {
	var bad string
	var walk func(v any)
	walk = func(v any) {
		if bad != "" {
			return
		}
		switch t := v.(type) {
		case string:
			if id, ok := armid.Parse(t); ok && id.Subscription != "" {
				s := strings.ToLower(id.Subscription)
				if p.sources[s] && !p.targets[s] {
					bad = t
				}
			}
		case map[string]any:
			for k, x := range t {
				if strings.HasPrefix(k, "/") {
					walk(k)
				}
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(body)
	return bad
}
