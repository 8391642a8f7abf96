"""Times: planned in local time (Asia/Shanghai), stored in UTC; quiet hours; the slots of a node's schedule."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter
from dateutil.rrule import rrulestr

from care.plan_schemas import CronSchedule, NodeSpec, OffsetSchedule, RRuleSchedule


@dataclass(frozen=True)
class Clock:
    """The hospital's local time zone and quiet hours (from settings)."""

    tz: ZoneInfo
    quiet_start: time
    quiet_end: time

    @classmethod
    def from_settings(cls, settings: object) -> Clock:
        return cls(tz=ZoneInfo(settings.care_timezone),  # type: ignore[attr-defined]
                   quiet_start=time.fromisoformat(settings.quiet_hours_start),  # type: ignore[attr-defined]
                   quiet_end=time.fromisoformat(settings.quiet_hours_end))  # type: ignore[attr-defined]

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)

    def today(self, now: datetime) -> date:
        return self.local(now).date()

    def in_quiet_hours(self, at: datetime) -> bool:
        t = self.local(at).time()
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= t < self.quiet_end
        return t >= self.quiet_start or t < self.quiet_end

    def after_quiet_hours(self, at: datetime) -> datetime:
        """`at` itself, or the end of the quiet hours it falls in (UTC)."""
        if not self.in_quiet_hours(at):
            return at
        local = self.local(at)
        end = datetime.combine(local.date(), self.quiet_end, tzinfo=self.tz)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(UTC)


def _local_midnight(clock: Clock, day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=clock.tz)


def slots(clock: Clock, node: NodeSpec, start_day: date, window_from: datetime, window_to: datetime) -> Iterator[datetime]:
    """The planned instants (UTC) of a node in [window_from, window_to), before quiet hours move them."""
    schedule = node.schedule
    if isinstance(schedule, OffsetSchedule):
        local = datetime.combine(start_day + timedelta(days=schedule.days), time.fromisoformat(schedule.time), tzinfo=clock.tz)
        if window_from <= local < window_to:
            yield local.astimezone(UTC)
        return
    start = _local_midnight(clock, start_day)
    end = _local_midnight(clock, start_day + timedelta(days=schedule.for_days)) if schedule.for_days else None
    lower = max(start, window_from.astimezone(clock.tz))
    upper = min(end, window_to.astimezone(clock.tz)) if end else window_to.astimezone(clock.tz)
    if lower >= upper:
        return
    if isinstance(schedule, RRuleSchedule):
        # dateutil works on naive local times here; Asia/Shanghai has no DST, so this is exact
        rule = rrulestr(schedule.rule, dtstart=start.replace(tzinfo=None))
        for naive in rule.between(lower.replace(tzinfo=None), upper.replace(tzinfo=None), inc=True):
            local = naive.replace(tzinfo=clock.tz)
            if lower <= local < upper:
                yield local.astimezone(UTC)
        return
    assert isinstance(schedule, CronSchedule)
    itr = croniter(schedule.expr, lower - timedelta(seconds=1))
    while True:
        local = itr.get_next(datetime)
        if local >= upper:
            return
        if local >= lower:
            yield local.astimezone(UTC)
