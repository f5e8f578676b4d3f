package sim

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/atg-go/atg/sim/kql"
)

func TestGenerateDeterministic(t *testing.T) {
	truth := func(seed int64) []byte {
		s, err := New(Options{Resources: 5000, Subscriptions: 3, Seed: seed, Tenants: 2})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(s.Truth())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := truth(42), truth(42), truth(43)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different truth")
	}
	if bytes.Equal(a, c) {
		t.Fatal("different seeds, same truth")
	}
	var tr Truth
	if err := json.Unmarshal(a, &tr); err != nil {
		t.Fatal(err)
	}
	t0 := tr.Tenants[0]
	if t0.Resources != 5000 || len(t0.ResourceIDs) != 5000 {
		t.Fatalf("resources %d", t0.Resources)
	}
	if tr.Tenants[1].Resources != 0 || len(tr.Tenants[1].Subscriptions) != 3 {
		t.Fatalf("second tenant should be empty with 3 subscriptions: %+v", tr.Tenants[1])
	}
	types := map[string]bool{}
	for _, e := range t0.Edges {
		types[string(e.Type)] = true
	}
	for _, want := range []string{"CONTAINS", "CONNECTED_TO", "USES", "SECURED_BY", "ROUTES_VIA", "HAS_PUBLIC_IP", "PRIVATE_ENDPOINT_FOR",
		"PEERED_WITH", "LINKED_TO", "HOSTED_ON", "USES_IDENTITY", "ASSIGNED_TO", "HAS_ROLE", "APPLIES_TO", "MEMBER_OF", "SENDS_DIAGNOSTICS_TO", "USES_KEY_VAULT"} {
		if !types[want] {
			t.Errorf("no %s edge in the truth", want)
		}
	}
}

func TestPlantedSecret(t *testing.T) {
	s, err := New(Options{Resources: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, r := range s.st.res {
		b, _ := json.Marshal(r.body)
		if strings.Contains(string(b), FakeSecretAccountKey) {
			found++
			if r.ltyp != "microsoft.web/sites" {
				t.Fatalf("secret planted in %s", r.ltyp)
			}
		}
	}
	if found != 1 {
		t.Fatalf("secret found in %d resources, want 1", found)
	}
}

func BenchmarkGenerate100k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		s, err := New(Options{Resources: 100_000, Subscriptions: 8, Seed: 7})
		if err != nil {
			b.Fatal(err)
		}
		if n := len(s.st.res); n < 100_000 {
			b.Fatalf("%d objects", n)
		}
	}
}

func BenchmarkTruthAndARG100k(b *testing.B) {
	s, err := New(Options{Resources: 100_000, Subscriptions: 8, Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	t := s.st.tenants[0]
	q, err := kql.Parse("resources | where type =~ 'microsoft.network/virtualnetworks' | project id, name, properties | order by id asc")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("truth", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if tr := s.Truth(); tr.Tenants[0].Resources != 100_000 {
				b.Fatal("bad truth")
			}
		}
	})
	b.Run("arg-query", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if rows, _, _ := s.runKQL(t, nil, q); len(rows) == 0 {
				b.Fatal("no rows")
			}
		}
	})
}
