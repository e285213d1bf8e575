"""Issue 17, the leader's import: upload a sheet, watch the progress bar while a worker reads and checks it,
see the preview, confirm, watch it save. The test plays the worker: the tasks' enqueueing is recorded instead
of sent, and the test runs each task's service when it chooses, so the page is seen polling before the worker
has done anything, and reloading itself once it has."""

from playwright.sync_api import expect

from cases.models import Case
from cases.services import import_jobs
from staff.roles import Role
from tests.cases.factories import cpr_for
from tests.factories import StaffMemberFactory


def test_leader_uploads_follows_the_progress_and_imports(
    transactional_db, page, log_in, team, monkeypatch, tmp_path
):
    StaffMemberFactory(user__username="lars", user__roles=[Role.LEADER], team=team)
    StaffMemberFactory(user__username="alice", user__roles=[Role.CONSULTANT], team=team)
    enqueued: list[int] = []
    monkeypatch.setattr("cases.tasks.import_job_check.delay", enqueued.append)
    monkeypatch.setattr("cases.tasks.import_job_save.delay", enqueued.append)
    sheet = tmp_path / "ark.csv"
    sheet.write_text(
        "cpr;foerste_fravaersdag;kategori;konsulent\n"
        + "".join(f"{cpr_for(n)};2018-02-01;2;alice\n" for n in range(3)),
        encoding="utf-8",
    )

    log_in("lars")
    page.goto("/sager/import/")
    page.get_by_label("Opfølgningsark (CSV eller XLSX)").set_input_files(sheet)
    page.get_by_role("button", name="Kontrollér filen").click()
    progress = page.get_by_role("progressbar", name="Importens fremskridt")
    expect(progress).to_be_visible()
    expect(page.get_by_text("Læser filen")).to_be_visible()

    import_jobs.import_job_check(job_id=enqueued.pop())  # the worker reads and checks the file
    confirm = page.get_by_role("button", name="Importér sagerne (3)")
    expect(confirm).to_be_visible()  # the polling saw the job leave 'checking' and reloaded the page
    expect(page.get_by_text("3 rækker i filen: 3 nye sager, 0 opdateres.")).to_be_visible()
    confirm.click()
    expect(page.get_by_text("Gemmer", exact=True)).to_be_visible()
    assert not Case.objects.exists()

    import_jobs.import_job_save(job_id=enqueued.pop())  # the worker writes every row
    expect(page.get_by_text("Importeret: 3 sager (3 nye, 0 opdateret).")).to_be_visible()
    assert Case.objects.count() == 3
