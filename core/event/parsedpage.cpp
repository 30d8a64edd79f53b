#include "event/parsedpage.h"

void ParsedPage::event(const EventView &event)
{
    Element element;
    element.numbers = event;
    element.numbers.type = element.numbers.action = element.numbers.actorLogin = {};
    element.numbers.repoName = element.numbers.orgLogin = {};
    element.type = event.type;
    element.action = event.action;
    element.actorLogin = event.actorLogin;
    element.repoName = event.repoName;
    element.orgLogin = event.orgLogin;
    m_elements.push_back(std::move(element));
}

void ParsedPage::invalid(std::string_view reason, std::string_view raw)
{
    Element element;
    element.valid = false;
    element.invalidReason = reason;
    element.invalidRaw = raw;
    m_elements.push_back(std::move(element));
}

void ParsedPage::replay(EventSink &sink) const
{
    for (const Element &element : m_elements) {
        if (!element.valid) {
            sink.invalid(element.invalidReason, element.invalidRaw);
            continue;
        }
        EventView view = element.numbers;
        view.type = element.type;
        view.action = element.action;
        view.actorLogin = element.actorLogin;
        view.repoName = element.repoName;
        view.orgLogin = element.orgLogin;
        sink.event(view);
    }
}

QList<qint64> ParsedPage::ids() const
{
    QList<qint64> ids;
    for (const Element &element : m_elements) {
        if (element.valid)
            ids.append(element.numbers.id);
    }
    return ids;
}
