#include "collect/bronzestore.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStorageInfo>
#include <QTemporaryFile>

#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

using namespace Qt::StringLiterals;

namespace {

// The process's umask, read without changing it (umask() would, for a moment, for every
// thread).
mode_t currentUmask()
{
    QFile status(u"/proc/self/status"_s);
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("Umask:"))
                return mode_t(line.mid(6).trimmed().toUInt(nullptr, 8));
        }
    }
    return 022;
}

// SHA-256 through OpenSSL, which uses the CPU's SHA instructions: 1.6 GB/s here against
// 130 MB/s for QCryptographicHash, which made hashing half of a GH Archive import's time.
class Sha256
{
public:
    Sha256()
        : m_context(EVP_MD_CTX_new())
    {
        EVP_DigestInit_ex(m_context, EVP_sha256(), nullptr);
    }
    ~Sha256() { EVP_MD_CTX_free(m_context); }
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void addData(QByteArrayView data)
    {
        EVP_DigestUpdate(m_context, data.data(), size_t(data.size()));
    }
    QByteArray result()
    {
        QByteArray digest(EVP_MAX_MD_SIZE, Qt::Uninitialized);
        unsigned int size = 0;
        EVP_DigestFinal_ex(m_context, reinterpret_cast<unsigned char *>(digest.data()), &size);
        digest.resize(size);
        return digest;
    }

private:
    EVP_MD_CTX *m_context;
};

const auto metaSuffix = ".meta.json"_L1;
const auto missedBeforeKey = "missed_events_before"_L1;

bool pollMissedEvents(const QString &pagePath)
{
    QFile meta(pagePath.chopped(5) + metaSuffix);
    if (!meta.open(QIODevice::ReadOnly))
        return false;
    return QJsonDocument::fromJson(meta.read(64 * 1024)).object().value(missedBeforeKey).toBool();
}

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
    if (lineage.missedBefore)
        meta.insert(missedBeforeKey, true);
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

// Bronze keeps its own copy, named by its content: rewriting the original later changes
// nothing here, another file of the same name is another source, and the same content
// imported again is the same source (which resumes, or has nothing to add).
bool BronzeStore::hasRoomFor(const QStringList &sourcePaths, QString *error) const
{
    const QString folder = m_root + "/bronze/imports"_L1;
    qint64 needed = 0;
    for (const QString &path : sourcePaths) {
        const QFileInfo source(path);
        if (source.absolutePath() != folder)
            needed += source.size();
    }
    const QStorageInfo storage(m_root); // imports/ is inside it
    if (!storage.isValid() || storage.bytesAvailable() >= needed)
        return true;
    *error = u"no room to keep copies of the %1 files in %2: %3 MiB needed, %4 MiB free"_s.arg(
        QString::number(sourcePaths.size()), folder, QString::number(needed / (1024 * 1024) + 1),
        QString::number(storage.bytesAvailable() / (1024 * 1024)));
    return false;
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
    const QStorageInfo storage(folder);
    if (storage.isValid() && storage.bytesAvailable() < source.size()) {
        *error = u"no room to keep a copy of %1 in %2: %3 MiB needed, %4 MiB free"_s.arg(
            sourcePath, folder, QString::number(source.size() / (1024 * 1024) + 1),
            QString::number(storage.bytesAvailable() / (1024 * 1024)));
        return {};
    }
    QFile input(source.absoluteFilePath());
    // Hidden while it is written, so that no listing sees a partial copy.
    QTemporaryFile copy(folder + "/.import-XXXXXX"_L1);
    if (!input.open(QIODevice::ReadOnly) || !copy.open()) {
        *error = u"cannot copy %1 into %2"_s.arg(sourcePath, folder);
        return {};
    }
    const QDateTime modified = source.lastModified();
    const QByteArray hash = copyHashing(input, copy, error);
    if (hash.isEmpty())
        return {};
    const QFileInfo after(source.absoluteFilePath());
    if (after.size() != copy.size() || after.lastModified() != modified) {
        *error = u"%1 changed while it was being imported (is it still being written?): "
                 "import it again once it is complete"_s.arg(sourcePath);
        return {};
    }
    // <hash>_<name>: told apart by the content, listed by the original name.
    const QString target
        = u"%1/%2_%3"_s.arg(folder, QString::fromLatin1(hash.toHex().left(16)), source.fileName());
    if (QFileInfo::exists(target))
        return target;
    // A temporary file is made readable by its owner only: give the copy the mode any
    // other new file gets.
    ::fchmod(copy.handle(), 0666 & ~currentUmask());
    copy.setAutoRemove(false);
    if (!copy.rename(target)) {
        copy.remove();
        *error = u"cannot copy %1 into %2"_s.arg(sourcePath, folder);
        return {};
    }
    return target;
}

// Copies `input` to `output` in chunks, a reflink first where the filesystem can make
// one, and returns the SHA-256 of the bytes; empty with `error` on failure.
QByteArray BronzeStore::copyHashing(QFile &input, QFile &output, QString *error)
{
    Sha256 hash;
    const bool cloned = ::ioctl(output.handle(), FICLONE, input.handle()) == 0;
    QFile &reading = cloned ? output : input;
    QByteArray chunk(4 * 1024 * 1024, Qt::Uninitialized);
    for (;;) {
        const qint64 read = reading.read(chunk.data(), chunk.size());
        if (read < 0 || (!cloned && read > 0 && output.write(chunk.constData(), read) != read)) {
            *error = u"cannot copy %1: %2"_s.arg(
                input.fileName(), read < 0 ? reading.errorString() : output.errorString());
            return {};
        }
        if (read == 0)
            break;
        hash.addData(QByteArrayView(chunk.constData(), read));
    }
    if (!output.flush()) {
        *error = u"cannot copy %1: %2"_s.arg(input.fileName(), output.errorString());
        return {};
    }
    return hash.result();
}

QStringList BronzeStore::listSources() const
{
    QStringList pages;
    for (const char *folder : {"/bronze/events", "/bronze/repos", "/bronze/orgs"}) {
        QDirIterator it(
            m_root + QLatin1StringView(folder),
            {u"events_*.json"_s, u"pulls_*.json"_s, u"stars_*.json"_s, u"repo_*.json"_s},
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
    QStringList archives;
    QDirIterator archive(m_root + "/bronze/archive"_L1, {u"*.json.gz"_s}, QDir::Files,
                         QDirIterator::Subdirectories);
    while (archive.hasNext())
        archives << archive.next();
    archives.sort(); // YYYY/MM/DD/HH: time order
    pages << archives;
    // Imports by their original names, after the content hash that starts each.
    QDir imports(m_root + "/bronze/imports"_L1);
    QStringList names = imports.entryList(QDir::Files, QDir::Name);
    const auto original
        = [](const QString &name) { return QStringView(name).mid(name.indexOf(u'_') + 1); };
    std::stable_sort(names.begin(), names.end(),
                     [&](const QString &a, const QString &b) { return original(a) < original(b); });
    for (const QString &name : std::as_const(names))
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
    QDirIterator archive(m_root + "/bronze/archive"_L1, {u"*.json.gz"_s}, QDir::Files,
                         QDirIterator::Subdirectories);
    while (archive.hasNext()) {
        const QString path = archive.next();
        const QDateTime hour = archiveHourOf(path);
        if (hour.isValid() && hour.addSecs(3600) < now.addDays(-days) && QFile::remove(path))
            ++removed;
    }
    return removed;
}

bool BronzeStore::isPage(const QString &path)
{
    return path.contains("/bronze/events/"_L1) || path.contains("/bronze/repos/"_L1)
        || path.contains("/bronze/orgs/"_L1);
}

bool BronzeStore::isArchive(const QString &path)
{
    return path.contains("/bronze/archive/"_L1) && path.endsWith(".json.gz"_L1);
}

QDateTime BronzeStore::archiveHourOf(const QString &path)
{
    static const QRegularExpression archived(
        uR"(/bronze/archive/(\d{4})/(\d\d)/(\d\d)/(\d\d)\.json\.gz$)"_s);
    static const QRegularExpression imported(
        uR"(/bronze/imports/[0-9a-f]+_(\d{4})-(\d\d)-(\d\d)-(\d{1,2})\.json\.gz$)"_s);
    QRegularExpressionMatch match = archived.match(path);
    if (!match.hasMatch())
        match = imported.match(path);
    if (!match.hasMatch())
        return {};
    const QDate day(match.captured(1).toInt(), match.captured(2).toInt(),
                    match.captured(3).toInt());
    const int hour = match.captured(4).toInt();
    return day.isValid() && hour < 24 ? QDateTime(day, QTime(hour, 0), Qt::UTC) : QDateTime();
}

QString BronzeStore::archivePath(const QDateTime &hour) const
{
    return u"%1/bronze/archive/%2.json.gz"_s.arg(m_root, hour.toUTC().toString(u"yyyy/MM/dd/HH"_s));
}

QString BronzeStore::storeArchive(const QString &downloaded, const QDateTime &hour, const QUrl &url,
                                  const QByteArray &expectedSha256, QString *error)
{
    QFile file(downloaded);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1"_s.arg(downloaded);
        return {};
    }
    Sha256 hash;
    QByteArray chunk(4 * 1024 * 1024, Qt::Uninitialized);
    for (qint64 read; (read = file.read(chunk.data(), chunk.size())) > 0;)
        hash.addData(QByteArrayView(chunk.constData(), read));
    const QByteArray sha256 = hash.result().toHex();
    if (!expectedSha256.isEmpty() && sha256 != expectedSha256) {
        *error = u"%1 is not the file first fetched: its SHA-256 is %2, its lineage says %3"_s.arg(
            url.toString(), QString::fromLatin1(sha256), QString::fromLatin1(expectedSha256));
        return {};
    }
    const QString path = archivePath(hour);
    QJsonObject meta;
    meta.insert("url"_L1, url.toString(QUrl::RemoveUserInfo));
    meta.insert("sha256"_L1, QString::fromLatin1(sha256));
    meta.insert("bytes"_L1, file.size());
    meta.insert("hour"_L1, hour.toUTC().toString(Qt::ISODate));
    meta.insert("fetched_at"_L1, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    file.close();
    if (!writeAtomically(path + metaSuffix, QJsonDocument(meta).toJson(), error))
        return {};
    QFile::remove(path);
    if (!QFile::rename(downloaded, path)) {
        *error = u"cannot move %1 to %2"_s.arg(downloaded, path);
        return {};
    }
    return path;
}

QList<BronzeStore::ArchiveLineage> BronzeStore::removedArchiveHours() const
{
    QList<ArchiveLineage> removed;
    QDirIterator it(m_root + "/bronze/archive"_L1, {u"*.json.gz"_s + metaSuffix}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString meta = it.next();
        const QString path = meta.chopped(metaSuffix.size());
        QFile file(meta);
        if (QFile::exists(path) || !file.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject lineage = QJsonDocument::fromJson(file.readAll()).object();
        removed.append({archiveHourOf(path), QUrl(lineage["url"_L1].toString()),
                        lineage["sha256"_L1].toString().toLatin1()});
    }
    std::sort(removed.begin(), removed.end(),
              [](const ArchiveLineage &a, const ArchiveLineage &b) { return a.hour < b.hour; });
    return removed;
}

QDateTime BronzeStore::latestArchiveHour() const
{
    QDateTime latest;
    QDirIterator it(m_root + "/bronze/archive"_L1, {u"*.json.gz"_s}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QDateTime hour = archiveHourOf(it.next());
        if (hour.isValid() && (!latest.isValid() || hour > latest))
            latest = hour;
    }
    return latest;
}

qint64 BronzeStore::archiveBytes() const
{
    qint64 bytes = 0;
    QDirIterator it(m_root + "/bronze/archive"_L1, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        bytes += it.fileInfo().size();
    }
    return bytes;
}

// The newest day folder (yyyy/MM/dd sorts by name) holds the newest pages; a poll just
// after midnight may need the day before too.
QSet<qint64> BronzeStore::recentEventIds(const QString &folder, int pages) const
{
    QStringList days;
    const QString root = u"%1/bronze/%2"_s.arg(m_root, folder);
    for (const QString &year : QDir(root).entryList({u"????"_s}, QDir::Dirs, QDir::Name)) {
        for (const QString &month :
             QDir(root + u'/' + year).entryList({u"??"_s}, QDir::Dirs, QDir::Name)) {
            const QString monthPath = root + u'/' + year + u'/' + month;
            for (const QString &day : QDir(monthPath).entryList({u"??"_s}, QDir::Dirs, QDir::Name))
                days << monthPath + u'/' + day;
        }
    }
    QStringList newest;
    for (qsizetype i = days.size() - 1; i >= 0 && newest.size() < pages; --i) {
        const QStringList names = QDir(days[i]).entryList({u"events_*.json"_s}, QDir::Files,
                                                          QDir::Name | QDir::Reversed);
        for (const QString &name : names) {
            if (!name.endsWith(metaSuffix) && newest.size() < pages)
                newest << days[i] + u'/' + name;
        }
    }
    QSet<qint64> ids;
    for (const QString &path : std::as_const(newest)) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        for (const QJsonValue &event : QJsonDocument::fromJson(file.readAll()).array())
            ids.insert(event["id"_L1].toString().toLongLong());
    }
    ids.remove(0);
    return ids;
}

bool BronzeStore::isPullRequestPage(const QString &path)
{
    return path.contains("/bronze/repos/"_L1)
        && QStringView(path).mid(path.lastIndexOf(u'/') + 1).startsWith(u"pulls_");
}

bool BronzeStore::isStarHistoryPage(const QString &path)
{
    return path.contains("/bronze/repos/"_L1)
        && QStringView(path).mid(path.lastIndexOf(u'/') + 1).startsWith(u"stars_");
}

bool BronzeStore::isRepositoryCountsPage(const QString &path)
{
    return path.contains("/bronze/repos/"_L1)
        && QStringView(path).mid(path.lastIndexOf(u'/') + 1).startsWith(u"repo_");
}

QString BronzeStore::repositoryOf(const QString &path)
{
    const qsizetype at = path.indexOf("/bronze/repos/"_L1);
    if (at < 0)
        return {};
    const QStringList parts = path.mid(at + 14).split(u'/');
    return parts.size() > 2 ? parts[0] + u'/' + parts[1] : QString();
}

QString BronzeStore::organizationOf(const QString &path)
{
    const qsizetype at = path.indexOf("/bronze/orgs/"_L1);
    if (at < 0)
        return {};
    const QStringList parts = path.mid(at + 13).split(u'/');
    return parts.size() > 1 ? parts[0] : QString();
}

SourceOrigin BronzeStore::originOf(const QString &path)
{
    if (const QDateTime hour = archiveHourOf(path); hour.isValid()) {
        // GH Archive names the hour its crawler read the events in (or, before 2025-05-24,
        // created them): they arrived by the hour's end at the latest.
        const qint64 start = hour.toSecsSinceEpoch();
        return {u"archive"_s, start, start + 3600, false, {}, false};
    }
    static const QRegularExpression page(uR"(/(\w+)_(\d{8}T\d{9})Z_p(\d+)\.json$)"_s);
    const QRegularExpressionMatch match = page.match(path);
    if (!isPage(path) || !match.hasMatch())
        return {u"import"_s, -1, -1, false, {}, false};
    QDateTime fetched = QDateTime::fromString(match.captured(2), u"yyyyMMdd'T'HHmmsszzz"_s);
    fetched.setTimeSpec(Qt::UTC);
    const qint64 at = fetched.toSecsSinceEpoch();
    const QString source = isPullRequestPage(path) ? u"pulls"_s
        : isStarHistoryPage(path)                  ? u"stars"_s
        : isRepositoryCountsPage(path)             ? u"counts"_s
        : path.contains("/bronze/repos/"_L1)       ? u"repository"_s
        : path.contains("/bronze/orgs/"_L1)
        ? u"organization"_s
        : u"feed-p%1"_s.arg(std::clamp(match.captured(3).toInt(), 1, 3));
    const QString feed = source == "repository"_L1 ? repositoryOf(path)
        : source == "organization"_L1              ? organizationOf(path)
                                                   : QString();
    return {source, at - at % 3600, at, true, feed, !feed.isEmpty() && pollMissedEvents(path)};
}
