"""Factories for the stats app: an indicator group, an indicator, a yearly value."""

import datetime

import factory

from stats.models import Indicator, IndicatorGroup, YearlyValue


class IndicatorGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"工作分组{n}")
    order = factory.Sequence(int)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    group = factory.SubFactory(IndicatorGroupFactory)
    name = factory.Sequence(lambda n: f"巾帼活动{n}")
    slug = factory.Sequence(lambda n: f"indicator-{n}")
    unit = "场次"
    order = factory.Sequence(int)


class YearlyValueFactory(factory.django.DjangoModelFactory):
    """A yearly (not running-total) figure, written plainly: 535场次."""

    class Meta:
        model = YearlyValue

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2021
    kind = YearlyValue.Kind.YEARLY
    value = 535
    qualifier = YearlyValue.Qualifier.EXACT
    scale = YearlyValue.Scale.PLAIN
    as_of = None


class RunningTotalFactory(YearlyValueFactory):
    """A running total as of the March 8 report: 截至2022年3月8日累计."""

    kind = YearlyValue.Kind.RUNNING_TOTAL
    as_of = datetime.date(2022, 3, 8)
