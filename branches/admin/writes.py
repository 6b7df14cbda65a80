"""Admin saves and deletes through the services, shared by every app's admin: each write keeps the services'
rules and leaves a history row naming who did it."""

from partybuild.versioning import call_on_record


def changed_fields(form) -> dict:
    """The fields the form changed, with their cleaned values: what an update service receives."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}


class ServiceSavesMixin:
    """Creates and updates through the services the subclass names; put before the admin base."""

    create_service = None  # create_service(actor=, **fields)
    update_service = None  # update_service(actor=, <record>=, **changed fields)

    def save_via_service(self, request, obj, form, change):
        if change:
            return call_on_record(type(self).update_service, obj, actor=request.user, **changed_fields(form))
        return type(self).create_service(actor=request.user, **form.cleaned_data)


class ServiceWritesMixin(ServiceSavesMixin):
    """Deletes through the service the subclass names too."""

    delete_service = None  # delete_service(actor=, <record>=)

    def delete_model(self, request, obj):
        call_on_record(type(self).delete_service, obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        # Row by row through the service, with its rules and a history row each.
        for obj in queryset:
            self.delete_model(request, obj)
