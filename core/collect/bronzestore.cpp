#include "bronzestore.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

const auto metaSuffix = ".meta.json"_L1;

bool writeAtomically(const QString &path, const QByteArray &bytes, QString *error)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        *error = u"cannot create folder %1"_s.arg(QFileInfo(path).absolutePath());
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = u"cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

QJsonObject lineageJson(const PageLineage &lineage)
{
    QJsonObject rate;
    rate.insert("limit"_L1, lineage.rateLimit.limit);
    rate.insert("remaining"_L1, lineage.rateLimit.remaining);
    rate.insert("used"_L1, lineage.rateLimit.used);
    rate.insert("reset"_L1,
                lineage.rateLimit.reset.isValid()
                    ? QJsonValue(lineage.rateLimit.reset.toSecsSinceEpoch())
                    : QJsonValue());
    QJsonObject meta;
    meta.insert("url"_L1, lineage.url.toString(QUrl::RemoveUserInfo));
    meta.insert("status"_L1, lineage.status);
    meta.insert("page"_L1, lineage.page);
    meta.insert("etag"_L1, QString::fromLatin1(lineage.etag));
    meta.insert("rate_limit"_L1, rate);
    meta.insert("fetched_at"_L1, lineage.fetchedAt.toString(Qt::ISODateWithMs));
    return meta;
}

QString stamp(const QDateTime &time)
{
    return time.toUTC().toString(u"yyyyMMdd'T'HHmmsszzz'Z'"_s);
}

} // namespace

BronzeStore::BronzeStore(const QString &dataRoot)
    : m_root(QDir(dataRoot).absolutePath())
{
}

QString BronzeStore::storePage(const QByteArray &body, const PageLineage &lineage,
                               const QString &folder, QString *error, const QString &kind)
{
    const QDateTime at = lineage.fetchedAt.toUTC();
    const QString path
        = u"%1/bronze/%2/%3/%4_%5_p%6.json"_s.arg(m_root, folder, at.toString(u"yyyy/MM/dd"_s),
                                                  kind, stamp(at), QString::number(lineage.page));
    if (!writeAtomically(path, body, error))
        return {};
    const QByteArray meta = QJsonDocument(lineageJson(lineage)).toJson(QJsonDocument::Indented);
    if (!writeAtomically(path.chopped(5) + metaSuffix, meta, error))
        return {};
    return path;
}

bool BronzeStore::storeRejected(const QByteArray &body, const PageLineage &lineage,
                                const QString &reason)
{
    const QString base = u"%1/bronze/rejected/events_%2_p%3"_s.arg(m_root, stamp(lineage.fetchedAt),
                                                                   QString::number(lineage.page));
    QJsonObject meta = lineageJson(lineage);
    meta.insert("reason"_L1, reason);
    meta.insert("bytes"_L1, body.size());
    QString error;
    return writeAtomically(base + ".body"_L1, body, &error)
        && writeAtomically(base + metaSuffix, QJsonDocument(meta).toJson(), &error);
}

QString BronzeStore::registerImport(const QString &sourcePath, QString *error)
{
    const QFileInfo source(sourcePath);
    if (!source.isFile() || !source.isReadable()) {
        *error = u"cannot read %1"_s.arg(sourcePath);
        return {};
    }
    const QString folder = m_root + "/bronze/imports"_L1;
    if (!QDir().mkpath(folder)) {
        *error = u"cannot create folder %1"_s.arg(folder);
        return {};
    }
    if (source.absolutePath() == folder)
        return source.absoluteFilePath();
    // Same name and size is the same file: importing it again resumes it.
    QString target = folder + u'/' + source.fileName();
    for (int n = 1; QFileInfo::exists(target); ++n) {
        if (QFileInfo(target).size() == source.size())
            return target;
        target = u"%1/%2-%3.%4"_s.arg(folder, source.baseName(), QString::number(n),
                                      source.completeSuffix());
    }
    if (::link(QFile::encodeName(source.absoluteFilePath()).constData(),
               QFile::encodeName(target).constData())
            == 0
        || QFile::copy(source.absoluteFilePath(), target))
        return target;
    *error = u"cannot copy %1 into %2"_s.arg(sourcePath, folder);
    return {};
}

QStringList BronzeStore::listSources() const
{
    QStringList pages;
    for (const char *folder : {"/bronze/events", "/bronze/repos"}) {
        QDirIterator it(m_root + QLatin1StringView(folder), {u"events_*.json"_s, u"pulls_*.json"_s},
                        QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (!path.endsWith(metaSuffix))
                pages << path;
        }
    }
    // In fetch order: the time stamp follows the kind in every file name.
    const auto stampOf = [](const QString &path) {
        const QStringView name = QStringView(path).mid(path.lastIndexOf(u'/') + 1);
        return name.mid(name.indexOf(u'_'));
    };
    std::sort(pages.begin(), pages.end(),
              [&](const QString &a, const QString &b) { return stampOf(a) < stampOf(b); });
    QDir imports(m_root + "/bronze/imports"_L1);
    for (const QString &name : imports.entryList(QDir::Files, QDir::Name))
        pages << imports.filePath(name);
    return pages;
}

QString BronzeStore::sourceKey(const QString &path) const
{
    return QDir(m_root).relativeFilePath(path);
}

int BronzeStore::applyRetention(int days, const QDateTime &now)
{
    if (days <= 0)
        return 0;
    const QString cutoff = u"events_"_s + stamp(now.addDays(-days));
    int removed = 0;
    QDirIterator it(m_root + "/bronze/events"_L1, {u"events_*.json"_s}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (it.fileName() < cutoff && QFile::remove(path) && !path.endsWith(metaSuffix))
            ++removed;
    }
    return removed;
}

bool BronzeStore::isPage(const QString &path)
{
    return path.contains("/bronze/events/"_L1) || path.contains("/bronze/repos/"_L1);
}

bool BronzeStore::isPullRequestPage(const QString &path)
{
    return path.contains("/bronze/repos/"_L1)
        && QStringView(path).mid(path.lastIndexOf(u'/') + 1).startsWith(u"pulls_");
}

QString BronzeStore::repositoryOf(const QString &path)
{
    const qsizetype at = path.indexOf("/bronze/repos/"_L1);
    if (at < 0)
        return {};
    const QStringList parts = path.mid(at + 14).split(u'/');
    return parts.size() > 2 ? parts[0] + u'/' + parts[1] : QString();
}
