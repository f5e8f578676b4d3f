package backup

import (
	"testing"
	"time"
)

func TestDailySchedule(t *testing.T) {
	at, err := ParseTimeOfDay("02:30")
	if err != nil || at != 2*time.Hour+30*time.Minute {
		t.Fatalf("ParseTimeOfDay: %v %v", at, err)
	}
	for _, bad := range []string{"", "2:30pm", "24:00", "02:60", "0230"} {
		if _, err := ParseTimeOfDay(bad); err == nil {
			t.Errorf("ParseTimeOfDay(%q) accepted", bad)
		}
	}
	day := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct{ now, want time.Time }{
		{day.Add(time.Hour), day.Add(at)},
		{day.Add(at), day.Add(at)},
		{day.Add(at + time.Nanosecond), day.AddDate(0, 0, 1).Add(at)},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 2, 30, 0, 0, time.UTC)},
		{day.Add(time.Hour).In(time.FixedZone("+5", 5*3600)), day.Add(at)},
	} {
		if got := nextDailyRun(c.now, at); !got.Equal(c.want) {
			t.Errorf("nextDailyRun(%s) = %s, want %s", c.now, got, c.want)
		}
	}
}
