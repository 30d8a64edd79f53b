#include "event/compressedfile.h"

#include <QFile>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <zlib.h>

// The inflating thread and the chunks it has ready: at most `depth` of `chunkBytes` each.
class CompressedReader::ReadAhead
{
public:
    explicit ReadAhead(gzFile_s *file)
        : m_file(file)
        , m_thread([this] { run(); })
    {
    }

    ~ReadAhead()
    {
        {
            const std::lock_guard lock(m_mutex);
            m_stopped = true;
        }
        m_space.notify_one();
        m_thread.join();
    }

    // As gzread: what is ready, waiting only while nothing is.
    qint64 read(char *buffer, qsizetype size)
    {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [this] { return !m_chunks.empty() || m_finished; });
        qsizetype copied = 0;
        while (copied < size && !m_chunks.empty()) {
            const Chunk &front = m_chunks.front();
            const qsizetype count = std::min(size - copied, front.data.size() - m_frontOffset);
            memcpy(buffer + copied, front.data.constData() + m_frontOffset, size_t(count));
            copied += count;
            m_frontOffset += count;
            if (m_frontOffset == front.data.size()) {
                m_rawPosition = front.rawEnd;
                m_chunks.pop_front();
                m_frontOffset = 0;
                m_space.notify_one();
            }
        }
        return copied > 0 ? copied : m_last;
    }

    qint64 rawPosition() const
    {
        const std::lock_guard lock(m_mutex);
        return m_rawPosition;
    }

    // Whether the thread is done with the file, so that its state may be read.
    bool finished() const
    {
        const std::lock_guard lock(m_mutex);
        return m_finished;
    }

private:
    static constexpr qsizetype chunkBytes = 1 << 20;
    static constexpr size_t depth = 4;

    struct Chunk
    {
        QByteArray data;
        qint64 rawEnd; // the file's position after it
    };

    void run()
    {
        for (;;) {
            QByteArray data(chunkBytes, Qt::Uninitialized);
            const qint64 read = gzread(m_file, data.data(), unsigned(chunkBytes));
            const qint64 rawEnd = gzoffset(m_file);
            std::unique_lock lock(m_mutex);
            m_space.wait(lock, [this] { return m_chunks.size() < depth || m_stopped; });
            if (m_stopped)
                return;
            if (read <= 0) {
                m_last = read;
                m_finished = true;
                m_ready.notify_one();
                return;
            }
            data.resize(qsizetype(read));
            m_chunks.push_back({std::move(data), rawEnd});
            m_ready.notify_one();
        }
    }

    gzFile_s *m_file;
    mutable std::mutex m_mutex;
    std::condition_variable m_ready;
    std::condition_variable m_space;
    std::deque<Chunk> m_chunks;
    qsizetype m_frontOffset = 0;
    qint64 m_rawPosition = 0;
    qint64 m_last = 0; // gzread's last answer: 0 at the end, -1 on an error
    bool m_finished = false;
    bool m_stopped = false;
    std::thread m_thread; // last: it starts once the members above exist
};

CompressedReader::CompressedReader(const QString &path)
    : m_file(gzopen(QFile::encodeName(path).constData(), "rb"))
{
    if (!m_file)
        return;
    gzbuffer(m_file, 1 << 20);
    m_plain = gzdirect(m_file) == 1; // before any thread reads the file
}

CompressedReader::~CompressedReader()
{
    m_ahead.reset(); // the thread stops before the file closes
    if (m_file)
        gzclose(m_file);
}

bool CompressedReader::seek(qint64 offset)
{
    return !m_ahead && gzseek(m_file, z_off_t(offset), SEEK_SET) == offset;
}

qint64 CompressedReader::read(char *buffer, qsizetype size)
{
    if (m_plain)
        return gzread(m_file, buffer, unsigned(size));
    if (!m_ahead)
        m_ahead = std::make_unique<ReadAhead>(m_file);
    return m_ahead->read(buffer, size);
}

qint64 CompressedReader::rawPosition() const
{
    return m_ahead ? m_ahead->rawPosition() : gzoffset(m_file);
}

bool CompressedReader::isPlain() const
{
    return m_plain;
}

bool CompressedReader::isTruncated() const
{
    if (m_ahead && !m_ahead->finished())
        return false;
    int code = 0;
    gzerror(m_file, &code);
    return code == Z_BUF_ERROR;
}

QString CompressedReader::error() const
{
    if (m_ahead && !m_ahead->finished())
        return {};
    int code = 0;
    return QString::fromUtf8(gzerror(m_file, &code));
}

QByteArray CompressedFile::readAll(const QString &path)
{
    QByteArray content;
    CompressedReader reader(path);
    if (!reader.isOpen())
        return content;
    char buffer[1 << 16];
    qint64 read = 0;
    while ((read = reader.read(buffer, sizeof buffer)) > 0)
        content.append(buffer, read);
    return content;
}

bool CompressedFile::verifyGzip(const QString &path, qint64 *uncompressedBytes, QString *error)
{
    CompressedReader reader(path);
    if (!reader.isOpen()) {
        *error = QStringLiteral("cannot open %1").arg(path);
        return false;
    }
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    qint64 total = 0;
    qint64 read = 0;
    while ((read = reader.read(buffer.data(), buffer.size())) > 0)
        total += read;
    *uncompressedBytes = total;
    if (reader.isPlain())
        *error = QStringLiteral("%1 is not gzip").arg(path);
    else if (read < 0 || reader.isTruncated())
        *error = reader.isTruncated()
            ? QStringLiteral("%1 is cut short: its gzip stream does not end").arg(path)
            : QStringLiteral("%1 is corrupt: %2").arg(path, reader.error());
    else
        return true;
    return false;
}
