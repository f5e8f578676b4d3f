package discover

import (
	"context"
	"fmt"
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
)

// ARMNode shapes an ARM envelope (Resource Graph row, list item or GET) as a node with
// NodeFromARM, after restoring the type's original casing (Resource Graph lower-cases
// types) and recording the api-version it was (or would be) read with.
func ARMNode(tenantID string, env map[string]any, ti TypeInfo) graph.Node {
	typ := str(env, "type")
	display := ti.Display
	if display == "" || !strings.EqualFold(display, typ) {
		display = typ
		if a, ok := armid.Parse(str(env, "id")); ok && (typ == "" || strings.EqualFold(a.Type(), typ)) && strings.ToLower(typ) == typ {
			display = a.Type()
		}
	}
	if display != "" {
		env["type"] = display
	}
	if ti.APIVersion != "" {
		env["apiVersion"] = ti.APIVersion
	}
	return NodeFromARM(tenantID, env)
}

// Keep filters by subscription GUID (lower-case) and resource group name; nil keeps everything.
type Keep func(subscriptionID, resourceGroup string) bool

// ResourceGroups lists the resource groups of subs from Resource Graph's resourcecontainers
// table (one query for all of them) and emits those kept.
func (d *Discoverer) ResourceGroups(ctx context.Context, tenantID string, subs []string, keep Keep, emit func(graph.Node)) error {
	return d.QueryGraph(ctx, "resourcecontainers", subs, func(row map[string]any) error {
		a, ok := armid.Parse(str(row, "id"))
		if !ok || a.ResourceGroup == "" || !strings.EqualFold(a.Type(), "Microsoft.Resources/resourceGroups") {
			return nil // subscriptions and management groups come from elsewhere
		}
		if keep != nil && !keep(strings.ToLower(a.Subscription), a.ResourceGroup) {
			return nil
		}
		emit(NodeFromARM(tenantID, row))
		return nil
	})
}

// Resources lists the resources of subs from Resource Graph's resources table (one query for all
// of them, 1,000 rows a page), GETs by id only the rows that lack properties, and emits those
// kept. It returns the lower-cased types Resource Graph returned (the child walk skips those).
func (d *Discoverer) Resources(ctx context.Context, tenantID string, subs []string, types map[string]TypeInfo, keep Keep,
	emit func(graph.Node), sink *Sink) (map[string]bool, error) {
	return d.resources(ctx, tenantID, subs, func(batch []string) string { return ResourcesQuery("resources", batch) }, types, keep, emit, sink)
}

func (d *Discoverer) resources(ctx context.Context, tenantID string, subs []string, query func([]string) string, types map[string]TypeInfo, keep Keep,
	emit func(graph.Node), sink *Sink) (map[string]bool, error) {
	seenTypes := map[string]bool{}
	var incomplete []map[string]any
	err := d.QueryKQL(ctx, subs, query, func(row map[string]any) error {
		id := str(row, "id")
		a, ok := armid.Parse(id)
		if !ok {
			sink.Fail(Failure{Scope: str(row, "subscriptionId"), ID: id, Code: "InvalidResourceId", Message: "resource graph returned a row without a valid ARM id"})
			return nil
		}
		if keep != nil && !keep(strings.ToLower(a.Subscription), a.ResourceGroup) {
			return nil
		}
		typ := strings.ToLower(str(row, "type"))
		seenTypes[typ] = true
		if row["properties"] == nil {
			incomplete = append(incomplete, row)
			return nil
		}
		emitWithInline(tenantID, row, types[typ], types, emit)
		return nil
	})
	if err != nil {
		return seenTypes, err
	}
	for _, row := range incomplete {
		id := str(row, "id")
		typ := strings.ToLower(str(row, "type"))
		ti := types[typ]
		full, err := d.Get(ctx, id, ti.APIVersion)
		if err != nil {
			if isGone(err) {
				continue // deleted since the query ran
			}
			sink.Fail(FailureFrom(str(row, "subscriptionId"), id, err))
			emit(ARMNode(tenantID, row, ti)) // keep what Resource Graph had
			continue
		}
		emitWithInline(tenantID, full, ti, types, emit)
	}
	return seenTypes, nil
}

// emitWithInline emits a resource and the children its body holds inline (InlineChildren).
func emitWithInline(tenantID string, env map[string]any, ti TypeInfo, types map[string]TypeInfo, emit func(graph.Node)) {
	emit(ARMNode(tenantID, env, ti))
	for _, n := range InlineChildren(tenantID, env, types) {
		emit(n)
	}
}

// Get reads one ARM object by id.
func (d *Discoverer) Get(ctx context.Context, id, apiVersion string) (map[string]any, error) {
	if apiVersion == "" {
		return nil, fmt.Errorf("no api-version known for %s", id)
	}
	var env map[string]any
	if err := d.Azure.GetARM(ctx, id, apiVersion, &env); err != nil {
		return nil, err
	}
	return env, nil
}
