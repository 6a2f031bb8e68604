"""Names people see for statuses, close reasons, audiences and topics, through the catalog.

Audiences and topics are data: one added by an admin shows its stored name until a
translation for its slug is added here.
"""

from forum.i18n import N_, Message

STATUS = {
    "open": N_("Waiting for an answer"),
    "answered": N_("Answered"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
}
# A short word for each status, for filters and small labels.
STATUS_FILTER = {
    "open": N_("Waiting"),
    "answered": N_("Answered"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
}
CLOSE_REASON = {
    "duplicate": N_("Same as another concern"),
    "off_topic": N_("Not about the services in this region"),
}
AUDIENCE = {
    "local_administration": N_("Local administration"),
    "technology_providers": N_("Technology providers"),
    "citizens": N_("Citizens"),
}
TOPIC = {
    "energy": N_("Energy"),
    "mobility": N_("Transport"),
    "health": N_("Health"),
    "tourism": N_("Tourism"),
    "agri_food": N_("Farming and food"),
    "connectivity": N_("Internet and phone signal"),
    "public_services": N_("Public services"),
    "other": N_("Something else"),
}
ROLE = {
    "partner": N_("Partner"),
    "moderator": N_("Moderator"),
    "leader": N_("Pilot leader"),
}
ORGANISATION_KIND = {
    "technology_provider": N_("Technology provider"),
    "local_administration": N_("Local administration"),
}
STAGE = {
    "planned": N_("Planned"),
    "testing": N_("Being tried out"),
    "running": N_("Running"),
    "ended": N_("Ended"),
}
# What a service brings to each audience: its form's fields, and their headings.
VALUE_FOR = {
    "value_local_administration": N_("For local administrations"),
    "value_technology_providers": N_("For technology providers"),
    "value_citizens": N_("For citizens"),
}
# The answers to "Does it work for you?"
JUDGEMENT = {
    "works": N_("Yes, it works for me"),
    "partly": N_("Partly"),
    "not_yet": N_("Not yet"),
}
# The same, short: the headings of a table of verdicts.
JUDGEMENT_SHORT = {
    "works": N_("Yes"),
    "partly": N_("Partly"),
    "not_yet": N_("Not yet"),
}
SOURCE = {
    "web": N_("Written on this site"),
    "meeting": N_("Recorded at a meeting"),
    "phone": N_("Recorded from a phone call"),
}
FLAG_REASON = {
    "spam": N_("Advertising or spam"),
    "offensive": N_("Rude or offensive"),
    "personal_data": N_("It shows private details about someone"),
    "off_topic": N_("Not about the services in this region"),
    "other": N_("Something else"),
}
# What a line of the moderation log says was done.
MODERATION_ACTION = {
    "status": N_("Changed the status"),
    "tag": N_("Chose who should answer"),
    "topic": N_("Set the topic"),
    "hide": N_("Hid a post"),
    "restore": N_("Showed a post again"),
    "lock": N_("Stopped new replies"),
    "unlock": N_("Allowed replies again"),
    "dismiss_flag": N_("Dismissed a report"),
    "block": N_("Stopped someone from writing"),
    "unblock": N_("Let someone write again"),
    "record_assisted": N_("Recorded a concern for someone they met or spoke to on the phone"),
    "region_create": N_("Added a region"),
    "region_edit": N_("Changed a region"),
    "topic_create": N_("Added a topic"),
    "topic_edit": N_("Changed a topic"),
    "organisation_create": N_("Added an organisation"),
    "organisation_edit": N_("Changed an organisation"),
    "service_create": N_("Described a new service"),
    "service_edit": N_("Changed the description of a service"),
    "service": N_("Set the service a concern is about"),
    "grant": N_("Gave someone a role"),
    "revoke": N_("Took a role away"),
    "log_out": N_("Logged someone out everywhere"),
    "remove_photo": N_("Removed a photo"),
    "invite": N_("Invited someone"),
    "invitation_accepted": N_("Accepted an invitation"),
}


def label(table: dict[str, Message], slug: str, stored_name: str | None = None) -> Message | str:
    return table.get(slug) or stored_name or slug


# The parts of the moderators' queue.
QUEUE_SECTION = {
    "chosen": N_("The post you chose"),
    "new": N_("New concerns: choose who should answer"),
    "flags": N_("Reported by readers"),
    "waiting": N_("Waiting longest for an official answer"),
    "hidden": N_("Hidden posts"),
    "blocked": N_("People who cannot write"),
}

# What pages call the author of a post whose account was erased (forum.accounts.privacy).
FORMER_MEMBER = N_("former member")
