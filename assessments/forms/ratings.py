"""The next step of a star rating in the browser: the five scores, pre-filled with the current ones (the
previous step's), and the reason. Whether a reason is needed is the service's rule (a score changed), and so
is the range of a score, checked here with the service's own function so that every error shows at once."""

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.forms import EntryFormMixin

from ..models import DIMENSIONS
from ..models import StarRating
from ..services.ratings import STEPS
from ..services.ratings import rating_score_clean

REASON_HELP = _("Required when you change a score from the previous step.")


class ScoreField(forms.CharField):
    """0 to 20 points, one decimal, with the phone's number keyboard."""

    def __init__(self, **kwargs):
        attrs = {"inputmode": "decimal", "step": "0.1", "min": "0", "max": "20"}
        super().__init__(widget=forms.NumberInput(attrs=attrs), **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return rating_score_clean(value) if value not in self.empty_values else value


class RatingStepForm(EntryFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    step = forms.ChoiceField(choices=[(stage, stage) for stage in STEPS], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("reason for the change"), required=False, widget=forms.Textarea, help_text=REASON_HELP
    )

    def __init__(self, *args, user=None, rating: StarRating, step: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        scores = {}
        for dimension in DIMENSIONS:
            label = StarRating._meta.get_field(dimension).verbose_name
            scores[dimension] = ScoreField(label=label)
            self._style(scores[dimension])
            self.initial.setdefault(dimension, f"{getattr(rating, dimension):.1f}")
        self.fields = {**scores, **self.fields}
        self.initial.setdefault("version", rating.version)
        self.initial.setdefault("step", step)

    def posted_step(self) -> str | None:
        """The step the form was opened for (a hidden field), read before validation."""
        step = self.data.get(self.add_prefix("step")) if self.is_bound else self.initial.get("step")
        return step if step in STEPS else None

    def step_data(self) -> dict:
        """The parsed scores (a score that did not parse is left out: the service keeps the current one),
        the reason and the version, as the service takes them."""
        data = self.cleaned_data
        return {
            "scores": {
                dimension: data[dimension] for dimension in DIMENSIONS if data.get(dimension) is not None
            },
            "reason": data.get("reason") or "",
            "expected_version": data.get("version"),
        }
