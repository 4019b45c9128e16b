"""Every sentence the knowledge services say to a person (errors they raise), in one place,
so that the message catalogue can take them over without hunting through the code. What
Slack shows otherwise is written in the builders.

Each is a msgid: `UserFacingError` shows it translated; one with fields is
translated with `_()` before `.format()`."""

from bot.i18n import N_

ONLY_LEADS = N_("Only leads can {action}. Ask someone listed in LEAD_USER_IDS (or the approvers).")
NO_LEADS = N_(
    "No leads are configured: set LEAD_USER_IDS or LEAD_USERGROUP_ID (or the approvers, "
    "who are the leads when neither is set)."
)
LEADS_UNREACHABLE = N_("Could not check the leads group in Slack just now. Try again in a moment.")
CHANGE_SAVED_REPLIES = N_("change saved replies")
CHANGE_TEAM_SETTINGS = N_("change team settings")
SAVED_REPLY_GONE = N_("This saved reply no longer exists.")
SAVED_REPLY_RETIRED = N_("This saved reply was retired; pick another one.")
TITLE_MISSING = N_("Give the saved reply a short title.")
TEXT_MISSING = N_("Write the reply's text.")
LANGUAGE_MISSING = N_("Choose the language the text is written in.")
UNKNOWN_PLACEHOLDERS = N_(
    "Unknown placeholder(s): {found}. Use {{first_name}}, {{handle}}, {{agent}} or {{case}}."
)
HOLDING_TOO_LONG = N_("A holding reply should be short: at most {limit} characters.")
PAST_REPLY_GONE = N_("That past reply is no longer available.")
NO_HOLDING_REPLY = N_(
    "There is no holding reply in {language} yet: a lead can add one with /carethread replies."
)
HOLDING_ALREADY = N_(
    "A holding reply was already {state} for this case; write a full answer instead."
)
CASE_NOT_WAITING = N_("This case is not waiting for an answer, so a holding reply is not needed.")
CUSTOMER_GONE = N_("This customer no longer exists.")
LINK_SELF = N_("That is the same account; pick the customer's account on another network.")
LINK_EXISTS = N_("These accounts are already linked.")
LINK_GONE = N_("This link was already removed.")
NO_CUSTOMER_FOUND = N_("No customer with the handle {handle} has written to the brand yet.")
NOTE_TOO_LONG = N_("A note can be at most {limit} characters.")
