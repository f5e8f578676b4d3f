package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Recovery Services VM backup policies: ARM's schedule and long-term retention objects become
// azurerm's backup and retention_* blocks. Only the shapes written below are expressed (simple
// daily or weekly schedules; daily and weekly retention); anything else stays azapi.

func init() { registerSimpleRows(backupRows) }

// hhmm turns an ARM schedule time ("2018-01-24T02:00:00Z") into azurerm's "02:00".
func hhmm(t string) string {
	if i := strings.IndexByte(t, 'T'); i >= 0 && len(t) >= i+6 {
		return t[i+1 : i+6]
	}
	return ""
}

func vmBackupPolicyCheck(r *model.Resource) string {
	if t := s(jsonpath.GetFold(r.Body, "backupManagementType")); !strings.EqualFold(t, "AzureIaasVM") {
		return "backup policy for " + t + " is not a VM policy"
	}
	sp, _ := jsonpath.GetFold(r.Body, "schedulePolicy").(map[string]any)
	switch s(jsonpath.GetFold(sp, "schedulePolicyType")) {
	case "SimpleSchedulePolicy":
	default:
		return "schedule policy " + s(jsonpath.GetFold(sp, "schedulePolicyType")) + " is not expressed"
	}
	freq := s(jsonpath.GetFold(sp, "scheduleRunFrequency"))
	if freq != "Daily" && freq != "Weekly" {
		return "schedule frequency " + freq + " is not expressed"
	}
	if freq == "Weekly" && len(strList(jsonpath.GetFold(sp, "scheduleRunDays"))) == 0 {
		return "weekly schedule without days"
	}
	if times := strList(jsonpath.GetFold(sp, "scheduleRunTimes")); len(times) != 1 || hhmm(s(times[0])) == "" {
		return "backup policy needs exactly one schedule time"
	}
	for k, v := range sp {
		switch strings.ToLower(k) {
		case "schedulepolicytype", "schedulerunfrequency", "scheduleruntimes", "schedulerundays", "scheduleweeklyfrequency":
		default:
			if !emptyValue(v) {
				return "schedulePolicy." + k + " is not expressed"
			}
		}
	}
	rp, _ := jsonpath.GetFold(r.Body, "retentionPolicy").(map[string]any)
	if t := s(jsonpath.GetFold(rp, "retentionPolicyType")); t != "LongTermRetentionPolicy" {
		return "retention policy " + t + " is not expressed"
	}
	for k, v := range rp {
		switch strings.ToLower(k) {
		case "retentionpolicytype", "dailyschedule", "weeklyschedule":
		default:
			if !emptyValue(v) {
				return "retentionPolicy." + k + " is not expressed"
			}
		}
	}
	for _, sch := range []string{"dailySchedule", "weeklySchedule"} {
		if o, ok := jsonpath.GetFold(rp, sch).(map[string]any); ok && !emptyValue(o) {
			if u := s(jsonpath.GetFold(o, "retentionDuration.durationType")); u != "Days" && u != "Weeks" || numAt(o, "retentionDuration.count") == nil {
				return "retentionPolicy." + sch + " duration is not expressed"
			}
			if sch == "weeklySchedule" && len(strList(jsonpath.GetFold(o, "daysOfTheWeek"))) == 0 {
				return "weekly retention without days"
			}
		}
	}
	return ""
}

func vmBackupPolicyExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	sp, _ := jsonpath.GetFold(r.Body, "schedulePolicy").(map[string]any)
	bb := b.AppendNewBlock("backup", nil).Body()
	e.set(bb, "frequency", s(jsonpath.GetFold(sp, "scheduleRunFrequency")))
	e.set(bb, "time", hhmm(s(strList(jsonpath.GetFold(sp, "scheduleRunTimes"))[0])))
	e.set(bb, "weekdays", strList(jsonpath.GetFold(sp, "scheduleRunDays")))
	rp, _ := jsonpath.GetFold(r.Body, "retentionPolicy").(map[string]any)
	if o, ok := jsonpath.GetFold(rp, "dailySchedule").(map[string]any); ok && !emptyValue(o) {
		e.set(b.AppendNewBlock("retention_daily", nil).Body(), "count", numAt(o, "retentionDuration.count"))
	}
	if o, ok := jsonpath.GetFold(rp, "weeklySchedule").(map[string]any); ok && !emptyValue(o) {
		wb := b.AppendNewBlock("retention_weekly", nil).Body()
		e.set(wb, "count", numAt(o, "retentionDuration.count"))
		e.set(wb, "weekdays", strList(jsonpath.GetFold(o, "daysOfTheWeek")))
	}
}

var backupRows = map[string]simpleRow{
	"microsoft.recoveryservices/vaults/backuppolicies": {TF: "azurerm_backup_policy_vm", Place: names, NameAttrs: []string{"recovery_vault_name"},
		Args:  []arg{{TF: "timezone", ARM: "timeZone"}, {TF: "instant_restore_retention_days", ARM: "instantRpRetentionRangeInDays", C: cNum}},
		Check: vmBackupPolicyCheck, Extra: vmBackupPolicyExtra, Reads: []string{"schedulePolicy", "retentionPolicy", "backupManagementType"},
		Sets: []string{"backup", "retention_daily", "retention_weekly"}, Ignore: []string{"protectedItemsCount"}},
}
