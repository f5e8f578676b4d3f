package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Resource Graph constants.
const (
	ResourceGraphPath       = "/providers/Microsoft.ResourceGraph/resources"
	ResourceGraphAPIVersion = "2022-10-01"
	ResourceGraphPageSize   = 1000
	// ResourceGraphMaxSubscriptions is how many subscriptions one query may name.
	ResourceGraphMaxSubscriptions = 1000
)

type argRequest struct {
	Subscriptions []string   `json:"subscriptions"`
	Query         string     `json:"query"`
	Options       argOptions `json:"options"`
}

type argOptions struct {
	Top          int    `json:"$top"`
	SkipToken    string `json:"$skipToken,omitempty"`
	ResultFormat string `json:"resultFormat"`
}

type argResponse struct {
	TotalRecords int64             `json:"totalRecords"`
	Count        int64             `json:"count"`
	Data         []json.RawMessage `json:"data"`
	SkipToken    string            `json:"$skipToken"`
}

// quoteList renders ('a','b') for KQL.
func quoteList(ids []string) string {
	q := make([]string, len(ids))
	for i, s := range ids {
		q[i] = "'" + strings.ReplaceAll(s, "'", "") + "'"
	}
	return "(" + strings.Join(q, ",") + ")"
}

// ResourcesQuery is the KQL for a table's rows of some subscriptions, in id order.
func ResourcesQuery(table string, subs []string) string {
	return table + " | where subscriptionId in " + quoteList(subs) + " | order by id asc"
}

// QueryGraph runs a Resource Graph query over subscriptions (batched by
// ResourceGraphMaxSubscriptions), paging 1,000 rows at a time with $skipToken, and calls fn per
// row (objectArray format).
func (d *Discoverer) QueryGraph(ctx context.Context, table string, subs []string, fn func(map[string]any) error) error {
	return d.QueryKQL(ctx, subs, func(batch []string) string { return ResourcesQuery(table, batch) }, fn)
}

// QueryKQL runs the query query(batch) over subscriptions (batched by
// ResourceGraphMaxSubscriptions), paging 1,000 rows at a time with $skipToken (the query must
// keep the id column), and calls fn per row.
func (d *Discoverer) QueryKQL(ctx context.Context, subs []string, query func(batch []string) string, fn func(map[string]any) error) error {
	for start := 0; start < len(subs); start += ResourceGraphMaxSubscriptions {
		batch := subs[start:min(start+ResourceGraphMaxSubscriptions, len(subs))]
		req := argRequest{Subscriptions: batch, Query: query(batch),
			Options: argOptions{Top: ResourceGraphPageSize, ResultFormat: "objectArray"}}
		for {
			var resp argResponse
			if err := d.Azure.PostARM(ctx, ResourceGraphPath, ResourceGraphAPIVersion, req, &resp); err != nil {
				return fmt.Errorf("resource graph query %q: %w", strings.SplitN(req.Query, " ", 2)[0], err)
			}
			for _, raw := range resp.Data {
				var row map[string]any
				if err := json.Unmarshal(raw, &row); err != nil {
					return fmt.Errorf("decoding resource graph row: %w", err)
				}
				if err := fn(row); err != nil {
					return err
				}
			}
			if resp.SkipToken == "" || len(resp.Data) == 0 {
				break
			}
			req.Options.SkipToken = resp.SkipToken
		}
	}
	return nil
}
