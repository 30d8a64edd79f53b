#include "event/eventparser.h"

#include "event/repositoryname.h"

#include <QByteArray>

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <vector>

static_assert(EventParser::padding >= simdjson::SIMDJSON_PADDING);

using simdjson::dom::element;
using simdjson::dom::object;

// Depth of one event: the page's array, the event, its payload and what GitHub nests in it
// (a pull request's head repository's owner...) stay far below this.
constexpr size_t maxDepth = 64;

struct EventParser::Private
{
    Private()
    {
        // Only the depth matters here: parse() grows the capacity as documents need.
        [[maybe_unused]] const auto code = parser.allocate(1 << 16, maxDepth);
    }

    simdjson::dom::parser parser;
    std::string rawText;
};

namespace {

qint64 daysFromCivil(qint64 year, unsigned month, unsigned day)
{
    year -= month <= 2;
    const qint64 era = (year >= 0 ? year : year - 399) / 400;
    const unsigned yearOfEra = unsigned(year - era * 400);
    const unsigned dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + qint64(dayOfEra) - 719468;
}

bool readDigits(std::string_view text, size_t at, size_t count, int *value)
{
    int result = 0;
    for (size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        result = result * 10 + (text[i] - '0');
    }
    *value = result;
    return true;
}

// Ids come as strings of digits; older data and some tools write numbers.
bool readId(element value, qint64 *id)
{
    if (value.is_int64()) {
        *id = value.get_int64().value_unsafe();
        return *id > 0;
    }
    if (value.is_uint64())
        return false;
    std::string_view text;
    if (value.get_string().get(text) || text.empty() || text.size() > 18)
        return false;
    qint64 result = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        result = result * 10 + (c - '0');
    }
    *id = result;
    return result > 0;
}

// An optional string field: absent or null gives empty; any other type is an error.
bool optionalString(object parent, std::string_view key, std::string_view *out)
{
    element value;
    if (parent[key].get(value) || value.is_null())
        return true;
    return !value.get_string().get(*out);
}

bool optionalInt(object parent, std::string_view key, qint64 *out)
{
    element value;
    if (parent[key].get(value) || value.is_null())
        return true;
    int64_t number = 0;
    if (value.get_int64().get(number))
        return false;
    *out = number;
    return true;
}

// GitHub's event types: PushEvent, PullRequestReviewCommentEvent... letters only.
bool isTypeName(std::string_view type)
{
    constexpr std::string_view suffix = "Event";
    if (type.size() <= suffix.size() || type.size() > 64 || type.substr(type.size() - 5) != suffix
        || type[0] < 'A' || type[0] > 'Z')
        return false;
    return std::all_of(type.begin(), type.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
}

// Logins, org names and actions longer than this are no GitHub's (logins have 39).
constexpr size_t maxShortText = 100;

// Whether the user object that authored what the payload is about (its pull request,
// issue, comment, review or release) is the actor, with "type": "Bot".
bool actorTypedBot(object payload, std::string_view actorLogin)
{
    static constexpr std::array<std::pair<const char *, const char *>, 5> authors {
        {{"pull_request", "user"},
         {"issue", "user"},
         {"comment", "user"},
         {"review", "user"},
         {"release", "author"}}};
    for (const auto &[field, key] : authors) {
        object user;
        std::string_view login;
        std::string_view type;
        if (!payload.at_key(field)[key].get(user) && !user["login"].get(login)
            && login == actorLogin && !user["type"].get(type))
            return type == "Bot";
    }
    return false;
}

// Returns the reason the element is not a valid event, or nullptr when `view` is filled.
const char *readEvent(element element, EventView *view)
{
    object event;
    if (element.get_object().get(event))
        return "not an object";
    simdjson::dom::element value;
    if (event["id"].get(value) || !readId(value, &view->id))
        return "missing or invalid id";
    if (event["type"].get(value) || value.get_string().get(view->type) || !isTypeName(view->type))
        return "missing or invalid type";
    std::string_view created;
    if (event["created_at"].get(value) || value.get_string().get(created))
        return "missing created_at";
    view->createdAt = EventParser::parseTimestamp(created);
    if (view->createdAt < 0)
        return "invalid created_at";

    object repo;
    if (event["repo"].get(value) || value.get_object().get(repo))
        return "missing or invalid repo";
    if (repo["name"].get(value) || value.get_string().get(view->repoName)
        || !RepositoryName::isValidUtf8(view->repoName))
        return "missing or invalid repo.name";
    if (!optionalInt(repo, "id", &view->repoId))
        return "invalid repo.id";

    if (!event["actor"].get(value) && !value.is_null()) {
        object actor;
        if (value.get_object().get(actor))
            return "invalid actor";
        if (!optionalInt(actor, "id", &view->actorId)
            || !optionalString(actor, "login", &view->actorLogin)
            || view->actorLogin.size() > maxShortText)
            return "invalid actor fields";
    }
    if (!event["org"].get(value) && !value.is_null()) {
        object org;
        if (value.get_object().get(org) || !optionalString(org, "login", &view->orgLogin)
            || view->orgLogin.size() > maxShortText)
            return "invalid org";
    }
    if (!event["public"].get(value) && !value.is_null()) {
        bool isPublic = false;
        if (value.get_bool().get(isPublic))
            return "invalid public";
        view->isPublic = isPublic ? 1 : 0;
    }
    if (!event["payload"].get(value) && !value.is_null()) {
        object payload;
        if (value.get_object().get(payload))
            return "invalid payload";
        if (!optionalString(payload, "action", &view->action) || view->action.size() > maxShortText)
            return "invalid payload.action";
        if (!optionalInt(payload, "number", &view->prNumber))
            return "invalid payload.number";
        object pullRequest;
        bool merged = false;
        if (!payload["pull_request"].get(value) && !value.get_object().get(pullRequest)
            && !pullRequest["merged"].get(value) && !value.get_bool().get(merged))
            view->prMerged = merged ? 1 : 0;
        view->actorIsBot = !view->actorLogin.empty() && actorTypedBot(payload, view->actorLogin);
    }
    return nullptr;
}

void deliver(element element, EventSink &sink, std::string &rawText)
{
    EventView view;
    if (const char *reason = readEvent(element, &view)) {
        rawText = simdjson::minify(element);
        sink.invalid(reason, rawText);
        return;
    }
    sink.event(view);
}

} // namespace

EventParser::EventParser()
    : d(std::make_unique<Private>())
{
}

EventParser::~EventParser() = default;

qint64 EventParser::parseTimestamp(std::string_view text)
{
    // 2016-09-29T10:00:29Z, optionally with fractional seconds before the Z.
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':'
        || text[16] != ':' || text.back() != 'Z')
        return -1;
    int year, month, day, hour, minute, second;
    if (!readDigits(text, 0, 4, &year) || !readDigits(text, 5, 2, &month)
        || !readDigits(text, 8, 2, &day) || !readDigits(text, 11, 2, &hour)
        || !readDigits(text, 14, 2, &minute) || !readDigits(text, 17, 2, &second))
        return -1;
    // Fractional seconds are digits, one to nine of them.
    if (text.size() > 20
        && (text[19] != '.' || text.size() < 22 || text.size() > 30
            || !std::all_of(text.begin() + 20, text.end() - 1,
                            [](char c) { return c >= '0' && c <= '9'; })))
        return -1;
    // GitHub has no events before 2007 or after this century; February 30 is no date.
    static constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year < 2007 || year > 2100 || month < 1 || month > 12 || day < 1
        || day > days[month - 1] - (month == 2 && !leap ? 1 : 0) || hour > 23 || minute > 59
        || second > 59)
        return -1;
    return daysFromCivil(year, unsigned(month), unsigned(day)) * 86400 + hour * 3600 + minute * 60
        + second;
}

namespace {

// The top-level elements of a JSON array, found by its brackets, commas and strings alone,
// without recursion: each is parsed on its own when the whole would not parse (one
// element nested too deep, or not UTF-8). Empty when `text` is not one whole array.
std::vector<std::string_view> arrayElements(std::string_view text)
{
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || text[first] != '[')
        return {};
    std::vector<std::string_view> elements;
    size_t depth = 0;
    size_t start = first + 1;
    bool inString = false;
    for (size_t i = first; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if (c == ']' || c == '}') {
            if (depth-- == 1) {
                const std::string_view last = text.substr(start, i - start);
                if (last.find_first_not_of(" \t\r\n") != std::string_view::npos)
                    elements.push_back(last);
                const bool rest
                    = text.find_first_not_of(" \t\r\n", i + 1) != std::string_view::npos;
                return rest || c != ']' ? std::vector<std::string_view>() : elements;
            }
        } else if (c == ',' && depth == 1) {
            elements.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    return {}; // cut short
}

} // namespace

bool EventParser::parsePage(const char *data, qsizetype size, EventSink &sink, QByteArray *error)
{
    simdjson::dom::array page;
    const auto code = d->parser.parse(data, size_t(size)).get_array().get(page);
    if (!code) {
        for (element item : page)
            deliver(item, sink, d->rawText);
        return true;
    }
    if (code == simdjson::INCORRECT_TYPE) {
        *error = "body is not a JSON array";
        return false;
    }
    // A whole array with a bad element: each element on its own, the bad ones quarantined.
    const std::vector<std::string_view> elements
        = arrayElements(std::string_view(data, size_t(size)));
    if (elements.empty()) {
        *error = simdjson::error_message(code);
        return false;
    }
    for (const std::string_view text : elements)
        parseLine(text.data(), qsizetype(text.size()), sink);
    return true;
}

void EventParser::parseLine(const char *data, qsizetype size, EventSink &sink)
{
    element root;
    if (const auto code = d->parser.parse(data, size_t(size), false).get(root)) {
        sink.invalid(simdjson::error_message(code), std::string_view(data, size_t(size)));
        return;
    }
    deliver(root, sink, d->rawText);
}
