"""Related records an admin form offers, limited to the user's scope."""


class ScopedChoicesMixin:
    """Put before the admin base. ``scoped_choices`` maps a related model to the action the user must hold
    on a record to pick it, then the relations loaded with each choice: ``{Cadre: ("view", "organization")}``.
    Both foreign keys and many-to-many fields to those models offer only such records."""

    scoped_choices: dict = {}

    def scoped_choice_queryset(self, db_field, request):
        rule = self.scoped_choices.get(db_field.related_model)
        if rule is None:
            return None
        action, *related = rule
        queryset = db_field.related_model.objects.restrict(request.user, action)
        return queryset.select_related(*related) if related else queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if (queryset := self.scoped_choice_queryset(db_field, request)) is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if (queryset := self.scoped_choice_queryset(db_field, request)) is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)
