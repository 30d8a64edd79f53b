#pragma once

#include "event/eventparser.h"

#include <string>

// An event that owns its strings, so that it outlives the buffer it was parsed from: the
// events of a parsed page on their way to the ingest thread (ParsedPage), and those of a
// batch waiting for PostgreSQL's writer.
class OwnedEvent
{
public:
    explicit OwnedEvent(const EventView &event);

    // The event, its strings this object's: valid while it lives and is not moved.
    EventView view() const;
    qint64 id() const { return m_numbers.id; }

private:
    EventView m_numbers; // the string views are left empty: the strings are below
    std::string m_type, m_action, m_actorLogin, m_repoName, m_orgLogin;
};
