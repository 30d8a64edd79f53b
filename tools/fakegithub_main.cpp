// The GitHub stand-in as a program, for `make demo` and the end-to-end test.
#include "event/clock.h"
#include "event/compressedfile.h"
#include "fakegithub.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

// GH Archive (.json.gz or NDJSON) or an /events page, as event objects oldest first.
QList<QByteArray> readEvents(const QString &path)
{
    const QByteArray content = CompressedFile::readAll(path);
    QList<QByteArray> events;
    if (content.trimmed().startsWith('[')) {
        const QJsonArray page = QJsonDocument::fromJson(content).array();
        for (qsizetype i = page.size() - 1; i >= 0; --i) // pages are newest first
            events << QJsonDocument(page[i].toObject()).toJson(QJsonDocument::Compact);
        return events;
    }
    for (const QByteArray &line : content.split('\n')) {
        if (!line.trimmed().isEmpty())
            events << line.trimmed();
    }
    return events;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"A local stand-in for GitHub's /events feed."_s);
    parser.addHelpOption();
    const QCommandLineOption port(u"port"_s, u"Port (0 picks a free one)."_s, u"port"_s, u"0"_s);
    const QCommandLineOption recorded(
        u"recorded"_s, u"Serve the recorded 2016 pages from this fixtures folder."_s, u"dir"_s);
    const QCommandLineOption rate(u"rate"_s, u"Synthetic events per second."_s, u"n"_s, u"5"_s);
    const QCommandLineOption pollInterval(u"poll-interval"_s, u"X-Poll-Interval seconds."_s, u"s"_s,
                                          u"1"_s);
    const QCommandLineOption rateLimit(u"rate-limit"_s, u"Budget as LIMIT:WINDOW_SECONDS."_s,
                                       u"spec"_s);
    const QCommandLineOption failEvery(u"fail-every"_s, u"Every n-th page request answers 502."_s,
                                       u"n"_s);
    const QCommandLineOption truncateEvery(u"truncate-every"_s, u"Every n-th page is truncated."_s,
                                           u"n"_s);
    const QCommandLineOption token(u"token"_s, u"Require this bearer token."_s, u"token"_s);
    const QCommandLineOption retryAfterEvery(
        u"retry-after-every"_s, u"Every n-th page request answers 429 with Retry-After."_s, u"n"_s);
    const QCommandLineOption slowEvery(
        u"slow-every"_s, u"Every n-th page request answers after --slow-ms."_s, u"n"_s);
    const QCommandLineOption slowMs(u"slow-ms"_s, u"Delay of a slow response."_s, u"ms"_s,
                                    u"3000"_s);
    const QCommandLineOption resetEvery(
        u"reset-every"_s, u"Every n-th page request has its connection reset."_s, u"n"_s);
    const QCommandLineOption replay(
        u"replay"_s, u"Replay the events of this file (GH Archive or a page) at --rate."_s,
        u"file"_s);
    const QCommandLineOption servedLog(u"served-log"_s,
                                       u"Append every served event id to this file."_s, u"file"_s);
    const QCommandLineOption archive(
        u"archive"_s, u"Serve GH Archive hours (/YYYY-MM-DD-H.json.gz) of the synthetic feed."_s);
    const QCommandLineOption era(
        u"era"_s,
        u"The synthetic feed's GitHub: 2026 (partitioned, late, no overlap, GH Archive by crawl "
        "hour) or 2024 (one moving window, the full mix)."_s,
        u"year"_s, u"2026"_s);
    parser.addOptions({port, recorded, rate, pollInterval, rateLimit, failEvery, truncateEvery,
                       retryAfterEvery, slowEvery, slowMs, resetEvery, replay, token, servedLog,
                       archive, era});
    parser.process(app);

    if (parser.value(era) != "2024"_L1 && parser.value(era) != "2026"_L1) {
        std::fprintf(stderr, "fakegithub: --era takes 2024 or 2026\n");
        return 1;
    }
    FakeGitHub server(Clock::system());
    server.setEra(parser.value(era) == "2024"_L1 ? FakeGitHub::Era::Y2024 : FakeGitHub::Era::Y2026);
    if (parser.isSet(recorded)) {
        QString error;
        if (!server.loadRecordedPages(parser.value(recorded), &error)) {
            std::fprintf(stderr, "fakegithub: %s\n", qPrintable(error));
            return 1;
        }
    } else if (parser.isSet(replay)) {
        const QList<QByteArray> events = readEvents(parser.value(replay));
        if (events.isEmpty()) {
            std::fprintf(stderr, "fakegithub: no events in %s\n", qPrintable(parser.value(replay)));
            return 1;
        }
        server.setReplayFeed(events, parser.value(rate).toDouble());
    } else {
        server.setSyntheticFeed(parser.value(rate).toDouble());
        // The most popular synthetic repositories also answer /repos/... with weeks of PRs.
        for (int rank = 0; rank < 10; ++rank)
            server.addRepository(u"org%1/project-%2"_s.arg(rank % 37).arg(rank), 200 - rank * 15,
                                 60 - rank * 3, quint32(rank + 1));
    }
    server.setSyntheticArchive(parser.isSet(archive));
    server.setPollInterval(parser.value(pollInterval).toInt());
    if (parser.isSet(rateLimit)) {
        const QStringList spec = parser.value(rateLimit).split(u':');
        server.setRateLimit(spec.value(0).toInt(), spec.value(1, u"3600"_s).toInt());
    }
    if (parser.isSet(failEvery))
        server.setFaultEvery(FakeGitHub::Fault::ServerError, parser.value(failEvery).toInt());
    if (parser.isSet(truncateEvery))
        server.setFaultEvery(FakeGitHub::Fault::Truncated, parser.value(truncateEvery).toInt());
    const std::pair<const QCommandLineOption &, FakeGitHub::Fault> everyN[] = {
        {retryAfterEvery, FakeGitHub::Fault::RetryAfter},
        {slowEvery, FakeGitHub::Fault::Slow},
        {resetEvery, FakeGitHub::Fault::Reset},
    };
    for (const auto &[option, fault] : everyN) {
        if (parser.isSet(option))
            server.setFaultEvery(fault, parser.value(option).toInt());
    }
    server.setSlowDelayMs(parser.value(slowMs).toInt());
    if (parser.isSet(token))
        server.setRequiredToken(parser.value(token).toUtf8());
    if (parser.isSet(servedLog))
        server.setServedLog(parser.value(servedLog));
    if (!server.listen(QHostAddress::LocalHost, quint16(parser.value(port).toUInt()))) {
        std::fprintf(stderr, "fakegithub: cannot listen on port %s\n",
                     qPrintable(parser.value(port)));
        return 1;
    }
    QObject::connect(&server, &FakeGitHub::responded, [](const QByteArray &target, int status) {
        std::printf("GET %s -> %d\n", target.constData(), status);
        std::fflush(stdout);
    });
    std::printf("%s\n", server.url().toEncoded().constData());
    std::fflush(stdout);
    return app.exec();
}
