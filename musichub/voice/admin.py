"""The back office for youth voice: the settings (response deadline), polls and the youth panel's records.

Posts are moderated and answered on the platform's own pages (/manage/voice/), where every action is logged;
here they are read-only. Safeguarding concerns are never shown here (people.safeguarding).
"""

from django.contrib import admin

from musichub.core.admin_site import HubModelAdmin

from .models import PanelMeeting, Poll, PollOption, Post, VoiceSettings, YoungLeader, YouthPanel


@admin.register(VoiceSettings)
class VoiceSettingsAdmin(HubModelAdmin):
    list_display = ["__str__", "response_working_days"]


@admin.register(Post)
class PostAdmin(HubModelAdmin):
    list_display = ["title", "kind", "topic", "moderation", "answer", "received_on", "response_due_on"]
    list_filter = ["moderation", "answer", "kind", "topic"]
    search_fields = ["title"]
    readonly_fields = [f.name for f in Post._meta.fields]
    # Held posts (safeguarding) stay out of the back office too.

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(moderation=Post.Moderation.WITHHELD)

    def has_add_permission(self, request):
        return False


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 0


@admin.register(Poll)
class PollAdmin(HubModelAdmin):
    list_display = ["question", "status", "by_youth_panel", "closes_on"]
    list_filter = ["status", "by_youth_panel"]
    inlines = [PollOptionInline]


@admin.register(YouthPanel)
class YouthPanelAdmin(HubModelAdmin):
    list_display = ["name"]


@admin.register(PanelMeeting)
class PanelMeetingAdmin(HubModelAdmin):
    list_display = ["panel", "date"]
    date_hierarchy = "date"


@admin.register(YoungLeader)
class YoungLeaderAdmin(HubModelAdmin):
    list_display = ["young_person", "role", "started_on", "ended_on"]
    list_filter = ["role"]
    raw_id_fields = ["young_person", "opportunity"]
