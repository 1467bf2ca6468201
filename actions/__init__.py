"""The writes whose consequences span apps, each in one transaction and in one function that
shows every effect: recording a ruling writes the ruling (`cases`), recomputes its deadlines
(`deadlines`), brings the lawyers' reminders up to date and queues the subscribers' notices
(`reminders`).

This layer sits above the apps it orchestrates: it imports them, none of them imports it. A
write that stays inside one app is that app's service (`<app>.services`).
"""
