"""Forms for the Tim WBS. Each workflow action has one; the view passes cleaned_data to
wbs.cases.workflow.apply(), which decides whether the move is legal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wbs.directory.forms import ALL, OrganisationFilterForm, date_field
from wbs.directory.models import DeadlineRule, MessageTemplate
from wbs.vault.uploads import MultipleFileField

from . import recipients
from .limits import MESSAGE_MAX
from .models import FollowUpDecision, Outcome, Referral, Status
from .steps import CHECKLIST

TEXT = {"rows": 4}


def _text(label, required=True, rows=4, initial=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        initial=initial,
    )


class ChecklistMixin(forms.Form):
    complete_4w1h = forms.BooleanField(
        label=_("4W+1H complete (what, who, where, when, how)"), required=False
    )
    has_evidence = forms.BooleanField(label=_("Initial evidence present"), required=False)
    within_jurisdiction = forms.BooleanField(
        label=_("Within the Pemerintah Kota's jurisdiction"), required=False
    )
    accused_is_employee = forms.BooleanField(
        label=_("The reported person is a Pemerintah Kota employee"), required=False
    )


class EmptyForm(forms.Form):
    pass


class RequestCompletionForm(ChecklistMixin):
    message = _text(_("Message to the reporter (what is missing)"), rows=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule = DeadlineRule.objects.filter(stage=DeadlineRule.Stage.COMPLETION).first()
        self.fields["message"].initial = MessageTemplate.text(
            "completion_request", batas=rule.days if rule else 10
        )[1]


class RejectForm(ChecklistMixin):
    reason = _text(_("Reason for rejection (internal record)"))
    referral = forms.ChoiceField(
        label=_("Refer to (dilimpahkan)"),
        required=False,
        choices=[("", _("— not referred —")), *Referral.choices],
    )
    message = _text(_("Message to the reporter (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].initial = MessageTemplate.text("rejected")[1]


class CloseIncompleteForm(forms.Form):
    reason = _text(_("Note (internal)"), required=False, rows=2)


def penelaah_choices():
    """The Penelaah a report may be handed to: those whose listing an Inspektur signed."""
    return recipients.handlers().select_related("wilayah").order_by("wilayah__order", "full_name")


class HandlerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.wilayah} — {obj.full_name or obj.username}"


class ForwardForm(ChecklistMixin):
    handler = HandlerChoiceField(label=_("Penelaah (Irban)"), queryset=None)
    override_reason = _text(
        _("Reason for forwarding without all four checks (required if one is not ticked)"),
        required=False,
        rows=2,
    )
    reason = _text(_("Reason, if not the Irban of this OPD's area"), required=False, rows=2)
    message = _text(_("Message to the reporter (optional)"), required=False, rows=2)
    field_order = [*CHECKLIST, "override_reason", "handler", "reason", "message"]

    def clean(self):
        data = super().clean()
        missing = [name for name in CHECKLIST if not data.get(name)]
        if missing and not (data.get("override_reason") or "").strip():
            self.add_error(
                "override_reason",
                _(
                    "Not every verification check is ticked (%(checks)s): tick them, or write "
                    "here why the report goes to telaah anyway."
                )
                % {"checks": ", ".join(str(self.fields[name].label) for name in missing)},
            )
        return data

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = penelaah_choices()
        if report is not None and report.unit.wilayah_id:
            default = penelaah_choices().filter(wilayah_id=report.unit.wilayah_id).first()
            if default is not None:
                self.fields["handler"].initial = default.pk


class NotesForm(forms.Form):
    notes = _text(_("Notes"))


class ApproveReviewForm(forms.Form):
    notes = _text(_("Notes (optional)"), required=False, rows=2)
    message = _text(_("Message to the reporter (optional)"), required=False, rows=2)


class FollowUpForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Follow-up"), choices=FollowUpDecision.choices, widget=forms.RadioSelect
    )
    surat_tugas_number = forms.CharField(
        label=_("Surat Tugas number"), max_length=100, required=False
    )
    surat_tugas_date = date_field(_("Surat Tugas date"))
    target = forms.CharField(label=_("Forwarded or referred to"), max_length=255, required=False)
    notes = _text(_("Notes"), required=False, rows=3)
    message = _text(_("Message to the reporter (optional)"), required=False, rows=2)


class ResultForm(forms.Form):
    """The Laporan Hasil Pengaduan in the parts of the letter (wbs.cases.choices
    RESULT_SECTIONS). The findings keep the field name `text` of the one-box form before it."""

    dasar = _text(
        _("Basis (leave empty to cite the Surat Tugas of the follow-up)"), required=False, rows=2
    )
    uraian = _text(_("Brief description of the complaint"), required=False, rows=3)
    text = _text(_("Findings of the examination"), rows=8)
    kesimpulan = _text(_("Conclusion"), rows=3)
    rekomendasi = _text(_("Recommendations"), required=False, rows=3)
    attachments = MultipleFileField(label=_("Document (optional)"))


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[
            (o.value, o.label) for o in (Outcome.PROVEN, Outcome.NOT_PROVEN, Outcome.REFERRED)
        ],
    )
    message = _text(
        _("Message to the reporter (leave empty to use the template for the outcome)"),
        required=False,
        rows=5,
    )


def action_form(action: str, *args, report=None, **kwargs):
    """The form of a workflow step. Its ids carry the step's name: the case page shows several
    steps' forms, and their fields (message, notes) share names."""
    form_class = ACTION_FORMS[action]
    if action == "forward":
        kwargs["report"] = report
    return form_class(*args, auto_id=f"id_{action}_%s", **kwargs)


ACTION_FORMS = {
    "start_verification": EmptyForm,
    "request_completion": RequestCompletionForm,
    "close_incomplete": CloseIncompleteForm,
    "reject": RejectForm,
    "forward": ForwardForm,
    "submit_review": EmptyForm,
    "return_review": NotesForm,
    "approve_review": ApproveReviewForm,
    "decide_follow_up": FollowUpForm,
    "submit_result": ResultForm,
    "verify_result": EmptyForm,
    "return_result": NotesForm,
    "complete": CompleteForm,
}


class ReviewForm(forms.Form):
    """The telaahan (structured analysis)."""

    ringkasan = _text(_("Summary of the report"), rows=4)
    fakta = _text(_("Facts found"), rows=6)
    analisis = _text(_("Analysis"), rows=6)
    indikasi = _text(_("Indicated violations"), rows=3)
    dasar_hukum = _text(_("Legal basis"), rows=3)
    rekomendasi = _text(_("Recommendation"), rows=4)
    attachments = MultipleFileField(label=_("Supporting documents (optional)"))


class StaffMessageForm(forms.Form):
    body = _text(_("Message to the reporter"), rows=4)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_message_%s")  # the note's box is `body` too
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    body = _text(_("Internal note (never shown to the reporter)"), rows=3)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_note_%s")
        super().__init__(*args, **kwargs)


class IdentityRequestForm(forms.Form):
    reason = _text(_("Why is the reporter's identity needed?"), rows=3)


class RootApprovalForm(forms.Form):
    """The recovery passphrase, typed by its holders to approve a role as the trust root."""

    passphrase = forms.CharField(
        label=_("Recovery passphrase"),
        max_length=80,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class IdentityDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("deny", _("Deny"))],
    )
    reason = _text(_("Reason for the decision"), rows=2)


class InboxFilterForm(OrganisationFilterForm):
    field_order = ["q", "status", "category", "unit", "wilayah"]

    q = forms.CharField(label=_("Registration number"), max_length=20, required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", ALL), *Status.choices]
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", ALL),
            ("overdue", _("Overdue")),
            ("soon", _("Due within 2 working days")),
        ],
    )
    received_from = date_field(_("Received from"))
    received_to = date_field(_("Received until"))
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-received_on", _("Newest first")),
            ("received_on", _("Oldest first")),
            ("stage_due_on", _("Deadline")),
            ("status", _("Status")),
        ],
    )
    queue = forms.CharField(required=False, widget=forms.HiddenInput)
