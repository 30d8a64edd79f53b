#pragma once

#include "query/dashboardsnapshot.h"

#include <QDialog>

class QLabel;
class QTableWidget;

// View > Source Health: what each source of the window brought, measured. For each source
// its requests, new events, yield, overlap and arrival lag; for each type its share in
// each source against the reference mix, with the degraded ones marked; and the capture
// budget. Refreshed with every snapshot while it is open.
class SourceHealthDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SourceHealthDialog(QWidget *parent = nullptr);

    void setData(const DashboardSnapshot &data);
    // The global feed's capture budget (percent of the rate limit; 0 obeys GitHub's poll
    // interval) and the rate limit, as the poller last saw it (-1 unknown).
    void setBudget(int captureBudgetPercent, int rateLimit);

    QTableWidget *sourcesTable() const { return m_sources; }
    QTableWidget *mixTable() const { return m_mix; }
    QString summary() const;

private:
    void fillSources(const QList<SourceHour> &sources);
    void fillMix(const QList<SourceHour> &sources);
    void showBudget();

    QLabel *m_summary;
    QLabel *m_budget;
    QTableWidget *m_sources;
    QTableWidget *m_mix;
    int m_budgetPercent = 0;
    int m_rateLimit = -1;
};
