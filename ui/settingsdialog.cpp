#include "settingsdialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

using namespace Qt::StringLiterals;

namespace {

const QString group = u"config"_s;

} // namespace

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent)
    , m_token(new QLineEdit)
    , m_interval(new QSpinBox)
    , m_pages(new QSpinBox)
    , m_dataDir(new QLineEdit)
    , m_port(new QSpinBox)
{
    setWindowTitle(tr("Settings"));
    const QHash<QString, QString> values = stored();
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(values.contains(u"GITHUB_TOKEN"_s) ? tr("(stored; type to replace)")
                                                                   : tr("optional"));
    m_interval->setRange(1, 86400);
    m_interval->setSuffix(tr(" s"));
    m_interval->setValue(values.value(u"COLLECTION_INTERVAL_SECONDS"_s, u"60"_s).toInt());
    m_pages->setRange(1, 10);
    m_pages->setValue(values.value(u"MAX_PAGES_PER_COLLECTION"_s, u"3"_s).toInt());
    m_dataDir->setText(values.value(u"GHM_DATA_DIR"_s, u"./data"_s));
    m_port->setRange(1, 65535);
    m_port->setValue(values.value(u"GHM_API_PORT"_s, u"8000"_s).toInt());

    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir
            = QFileDialog::getExistingDirectory(this, tr("Data directory"), m_dataDir->text());
        if (!dir.isEmpty())
            m_dataDir->setText(dir);
    });
    auto *dataRow = new QHBoxLayout;
    dataRow->addWidget(m_dataDir, 1);
    dataRow->addWidget(browse);

    auto *form = new QFormLayout;
    form->addRow(tr("GitHub token:"), m_token);
    form->addRow(tr("Poll interval:"), m_interval);
    form->addRow(tr("Pages per poll:"), m_pages);
    form->addRow(tr("Data directory:"), dataRow);
    form->addRow(tr("API port:"), m_port);
    auto *note = new QLabel(tr("The token, interval and pages per poll apply at once; the data "
                               "directory and API port at the next start. Environment variables "
                               "and command-line options take precedence."));
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
}

QHash<QString, QString> SettingsDialog::stored()
{
    QSettings settings;
    settings.beginGroup(group);
    QHash<QString, QString> values;
    for (const QString &key : settings.childKeys())
        values.insert(key, settings.value(key).toString());
    return values;
}

void SettingsDialog::save()
{
    QSettings settings;
    settings.beginGroup(group);
    if (!m_token->text().isEmpty())
        settings.setValue(u"GITHUB_TOKEN"_s, m_token->text());
    settings.setValue(u"COLLECTION_INTERVAL_SECONDS"_s, m_interval->value());
    settings.setValue(u"MAX_PAGES_PER_COLLECTION"_s, m_pages->value());
    settings.setValue(u"GHM_DATA_DIR"_s, m_dataDir->text().trimmed());
    settings.setValue(u"GHM_API_PORT"_s, m_port->value());
}
