package iactest

import (
	"strings"
	"testing"
)

// The resources tofu's errors name are found with their errors (once each); an error that
// names no resource (a provider crash) is not attributed.
func TestFailingAddresses(t *testing.T) {
	out := "Plan: 3 to import\n\nError: retrieving Virtual WAN (Name: \"wan1\"): unmarshaling response body\n\n" +
		"  with azurerm_virtual_wan.wan1,\n  on main.tf line 10, in resource \"azurerm_virtual_wan\" \"wan1\":\n  10: resource \"azurerm_virtual_wan\" \"wan1\" {\n\n\n" +
		"Error: Invalid configuration\n\n  with azapi_resource.rg_x,\n  on main.tf line 20:\n\n\n" +
		"Error: retrieving again\n\n  with azurerm_virtual_wan.wan1,\n  on main.tf line 10:\n\n\n" +
		"Error: Plugin did not respond\n\nThe plugin encountered an error.\n"
	got := failingAddresses([]byte(out))
	if len(got) != 2 || got[0].Address != "azurerm_virtual_wan.wan1" || got[1].Address != "azapi_resource.rg_x" {
		t.Fatalf("got %+v", got)
	}
	if !strings.HasPrefix(got[0].Reason, ReasonExcludedPrefix+"retrieving Virtual WAN") || got[0].Type != "azurerm_virtual_wan" {
		t.Errorf("reason %q type %q", got[0].Reason, got[0].Type)
	}
	if len(planErrors([]byte(out))) != 4 {
		t.Errorf("plan errors %v", planErrors([]byte(out)))
	}
}
