// The GitHub stand-in as a program, for `make demo` and the end-to-end test.
#include "clock.h"
#include "fakegithub.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"A local stand-in for GitHub's /events feed."_s);
    parser.addHelpOption();
    const QCommandLineOption port(u"port"_s, u"Port (0 picks a free one)."_s, u"port"_s, u"0"_s);
    const QCommandLineOption recorded(u"recorded"_s, u"Serve the recorded 2016 pages from this fixtures folder."_s, u"dir"_s);
    const QCommandLineOption rate(u"rate"_s, u"Synthetic events per second."_s, u"n"_s, u"5"_s);
    const QCommandLineOption pollInterval(u"poll-interval"_s, u"X-Poll-Interval seconds."_s, u"s"_s, u"1"_s);
    const QCommandLineOption rateLimit(u"rate-limit"_s, u"Budget as LIMIT:WINDOW_SECONDS."_s, u"spec"_s);
    const QCommandLineOption failEvery(u"fail-every"_s, u"Every n-th page request answers 502."_s, u"n"_s);
    const QCommandLineOption truncateEvery(u"truncate-every"_s, u"Every n-th page is truncated."_s, u"n"_s);
    const QCommandLineOption token(u"token"_s, u"Require this bearer token."_s, u"token"_s);
    const QCommandLineOption servedLog(u"served-log"_s, u"Append every served event id to this file."_s, u"file"_s);
    parser.addOptions({port, recorded, rate, pollInterval, rateLimit, failEvery, truncateEvery, token, servedLog});
    parser.process(app);

    FakeGitHub server(Clock::system());
    if (parser.isSet(recorded)) {
        QString error;
        if (!server.loadRecordedPages(parser.value(recorded), &error)) {
            std::fprintf(stderr, "fakegithub: %s\n", qPrintable(error));
            return 1;
        }
    } else {
        server.setSyntheticFeed(parser.value(rate).toDouble());
    }
    server.setPollInterval(parser.value(pollInterval).toInt());
    if (parser.isSet(rateLimit)) {
        const QStringList spec = parser.value(rateLimit).split(u':');
        server.setRateLimit(spec.value(0).toInt(), spec.value(1, u"3600"_s).toInt());
    }
    if (parser.isSet(failEvery))
        server.setFaultEvery(FakeGitHub::Fault::ServerError, parser.value(failEvery).toInt());
    if (parser.isSet(truncateEvery))
        server.setFaultEvery(FakeGitHub::Fault::Truncated, parser.value(truncateEvery).toInt());
    if (parser.isSet(token))
        server.setRequiredToken(parser.value(token).toUtf8());
    if (parser.isSet(servedLog))
        server.setServedLog(parser.value(servedLog));
    if (!server.listen(QHostAddress::LocalHost, quint16(parser.value(port).toUInt()))) {
        std::fprintf(stderr, "fakegithub: cannot listen on port %s\n", qPrintable(parser.value(port)));
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
