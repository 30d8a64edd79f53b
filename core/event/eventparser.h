#pragma once

#include <QtGlobal>

#include <memory>
#include <string_view>

// One event as parsed, borrowing its strings from the parser's buffers: valid only
// during EventSink::event().
struct EventView
{
    qint64 id = 0;
    std::string_view type;
    std::string_view action; // empty when the payload has none
    qint64 actorId = 0;
    std::string_view actorLogin;
    qint64 repoId = 0;
    std::string_view repoName;
    std::string_view orgLogin; // empty when the event has no org
    qint64 createdAt = 0; // UTC epoch seconds
    int isPublic = -1; // -1 unknown, 0, 1
    qint64 prNumber = -1; // payload.number, -1 when absent
    int prMerged = -1; // payload.pull_request.merged: -1 absent (trimmed payloads), 0, 1
    // The payload's author of what the event is about is the actor, with "type": "Bot"
    // (GitHub Apps' accounts). Trimmed payloads rarely say.
    bool actorIsBot = false;
};

class EventSink
{
public:
    virtual ~EventSink() = default;
    virtual void event(const EventView &event) = 0;
    // An element that is not a valid event; `raw` is its JSON text.
    virtual void invalid(std::string_view reason, std::string_view raw) = 0;
};

// Fast GitHub event parser (simdjson). Requires only id, type, created_at and repo.name,
// each in GitHub's syntax (a type is letters ending in "Event", at most 64; a repository
// is owner/name as RepositoryName has it; created_at is ISO-8601 UTC with digits for its
// fraction); logins, orgs and actions hold at most 100 bytes. Everything else is optional,
// as GitHub trims payloads since October 2025.
class EventParser
{
public:
    EventParser();
    ~EventParser();
    EventParser(const EventParser &) = delete;
    EventParser &operator=(const EventParser &) = delete;

    // Extra readable bytes that parseLine() may read beyond a line's end.
    static constexpr qsizetype padding = 64;

    // An `/events` page: a JSON array. Each element that is not a valid event (not an
    // object, nested deeper than 64, not UTF-8, a field out of GitHub's syntax) goes to
    // EventSink::invalid() and the others to event(). Returns false, with `error` and no
    // call on `sink`, if the body is not one whole JSON array (truncated, garbage).
    bool parsePage(const char *data, qsizetype size, EventSink &sink, QByteArray *error);

    // One NDJSON line; `size` excludes the newline, and `padding` bytes after it must be
    // readable. Bad lines go to EventSink::invalid().
    void parseLine(const char *data, qsizetype size, EventSink &sink);

    static qint64 parseTimestamp(std::string_view text); // ISO-8601 "...Z"; -1 if invalid

private:
    struct Private;
    std::unique_ptr<Private> d;
};
