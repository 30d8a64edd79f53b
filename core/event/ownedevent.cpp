#include "event/ownedevent.h"

OwnedEvent::OwnedEvent(const EventView &event)
    : m_numbers(event)
    , m_type(event.type)
    , m_action(event.action)
    , m_actorLogin(event.actorLogin)
    , m_repoName(event.repoName)
    , m_orgLogin(event.orgLogin)
{
    m_numbers.type = m_numbers.action = m_numbers.actorLogin = {};
    m_numbers.repoName = m_numbers.orgLogin = {};
}

EventView OwnedEvent::view() const
{
    EventView event = m_numbers;
    event.type = m_type;
    event.action = m_action;
    event.actorLogin = m_actorLogin;
    event.repoName = m_repoName;
    event.orgLogin = m_orgLogin;
    return event;
}
