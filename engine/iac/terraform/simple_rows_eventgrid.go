package terraform

import (
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Event Grid event subscriptions: of a system topic (azurerm_eventgrid_system_topic_event_subscription)
// or an extension resource on any scope (azurerm_eventgrid_event_subscription). One destination
// argument or block per ARM endpoint type; a webhook destination (its URL is never returned, only
// its base) and advanced filters stay azapi.

func init() { registerSimpleRows(eventGridRows) }

// egDestinations: ARM endpoint type -> the azurerm argument naming the endpoint's resource, or
// the block with the destination's fields.
var egDestinations = map[string]struct {
	attr, block string
	fields      []struct{ arm, tf string }
}{
	"EventHub":         {attr: "eventhub_id"},
	"HybridConnection": {attr: "hybrid_connection_id"},
	"ServiceBusQueue":  {attr: "service_bus_queue_id"},
	"ServiceBusTopic":  {attr: "service_bus_topic_id"},
	"StorageQueue": {block: "storage_queue_endpoint", fields: []struct{ arm, tf string }{{"resourceId", "storage_account_id"},
		{"queueName", "queue_name"}, {"queueMessageTimeToLiveInSeconds", "queue_message_time_to_live_in_seconds"}}},
	"AzureFunction": {block: "azure_function_endpoint", fields: []struct{ arm, tf string }{{"resourceId", "function_id"},
		{"maxEventsPerBatch", "max_events_per_batch"}, {"preferredBatchSizeInKilobytes", "preferred_batch_size_in_kilobytes"}}},
}

func egCheck(r *model.Resource) string {
	d, ok := egDestinations[s(jsonpath.GetFold(r.Body, "destination.endpointType"))]
	if !ok {
		return "destination " + s(jsonpath.GetFold(r.Body, "destination.endpointType")) + " is not expressed"
	}
	allowed := []string{"resourceId"}
	for _, f := range d.fields {
		allowed = append(allowed, f.arm)
	}
	if why := keysOnly("destination.properties", allowed...)(r); why != "" {
		return why
	}
	if jsonpath.GetFold(r.Body, "destination.properties.resourceId") == nil {
		return "destination without a resource"
	}
	if why := keysOnly("destination", "endpointType", "properties")(r); why != "" {
		return why
	}
	if why := keysOnly("filter", "includedEventTypes", "subjectBeginsWith", "subjectEndsWith", "isSubjectCaseSensitive", "enableAdvancedFilteringOnArrays")(r); why != "" {
		return why
	}
	if dl := jsonpath.GetFold(r.Body, "deadLetterDestination"); dl != nil {
		if s(jsonpath.GetFold(dl, "endpointType")) != "StorageBlob" || idAt(dl, "properties.resourceId") == nil ||
			s(jsonpath.GetFold(dl, "properties.blobContainerName")) == "" {
			return "dead-letter destination is not expressed"
		}
		if why := keysOnly("deadLetterDestination.properties", "resourceId", "blobContainerName")(r); why != "" {
			return why
		}
	}
	return ""
}

func egExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	dest := jsonpath.GetFold(r.Body, "destination.properties")
	d := egDestinations[s(jsonpath.GetFold(r.Body, "destination.endpointType"))]
	if d.attr != "" {
		e.set(b, d.attr, idAt(dest, "resourceId"))
	} else {
		db := b.AppendNewBlock(d.block, nil).Body()
		for _, f := range d.fields {
			v := jsonpath.GetFold(dest, f.arm)
			if f.arm == "resourceId" {
				v = idAt(dest, f.arm)
			}
			e.set(db, f.tf, v)
		}
	}
	f := jsonpath.GetFold(r.Body, "filter")
	if s(jsonpath.GetFold(f, "subjectBeginsWith")) != "" || s(jsonpath.GetFold(f, "subjectEndsWith")) != "" {
		sb := b.AppendNewBlock("subject_filter", nil).Body()
		e.set(sb, "subject_begins_with", s(jsonpath.GetFold(f, "subjectBeginsWith")))
		e.set(sb, "subject_ends_with", s(jsonpath.GetFold(f, "subjectEndsWith")))
		e.set(sb, "case_sensitive", boolAt(f, "isSubjectCaseSensitive"))
	}
	if dl := jsonpath.GetFold(r.Body, "deadLetterDestination"); dl != nil {
		db := b.AppendNewBlock("storage_blob_dead_letter_destination", nil).Body()
		e.set(db, "storage_account_id", idAt(dl, "properties.resourceId"))
		e.set(db, "storage_blob_container_name", s(jsonpath.GetFold(dl, "properties.blobContainerName")))
	}
}

var egArgs = []arg{{TF: "included_event_types", ARM: "filter.includedEventTypes", C: cStrList},
	{TF: "advanced_filtering_on_arrays_enabled", ARM: "filter.enableAdvancedFilteringOnArrays", C: cBool},
	{TF: "labels", ARM: "labels", C: cStrList}, {TF: "event_delivery_schema", ARM: "eventDeliverySchema"},
	{TF: "expiration_time_utc", ARM: "expirationTimeUtc"},
	{TF: "retry_policy", ARM: "retryPolicy", Max: 1, Block: []arg{{TF: "max_delivery_attempts", ARM: "maxDeliveryAttempts", C: cNum, Required: true},
		{TF: "event_time_to_live", ARM: "eventTimeToLiveInMinutes", C: cNum, Required: true}}}}

func egRow(tf string, place placement, parentAttr string, nameAttrs ...string) simpleRow {
	return simpleRow{TF: tf, Place: place, ParentAttr: parentAttr, NameAttrs: nameAttrs, Args: egArgs, Check: egCheck, Extra: egExtra,
		Sets:  []string{"eventhub_id", "hybrid_connection_id", "service_bus_queue_id", "service_bus_topic_id", "storage_queue_endpoint", "azure_function_endpoint", "subject_filter", "storage_blob_dead_letter_destination"},
		Reads: []string{"destination", "deadLetterDestination"}, Ignore: []string{"topic"}}
}

var eventGridRows = map[string]simpleRow{
	"microsoft.eventgrid/systemtopics/eventsubscriptions": egRow("azurerm_eventgrid_system_topic_event_subscription", names, "", "system_topic"),
	"microsoft.eventgrid/eventsubscriptions":              egRow("azurerm_eventgrid_event_subscription", scopeID, "scope"),
}
