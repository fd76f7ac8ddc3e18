"""Operator commands: list packets, and render one in the foreground without the queue."""
import uuid

import click
from flask import current_app
from sqlmodel import select

from portal.db import session_scope
from portal.documents import pdf_language, snapshot, storage
from portal.models import Agency, Client, Packet


@click.command("list-packets")
def list_packets():
    """Print each packet's id, type, state and client's agency slug."""
    with session_scope() as session:
        rows = session.exec(
            select(Packet.id, Packet.packet_type, Packet.status, Agency.slug)
            .join(Client, Client.id == Packet.client_id)
            .join(Agency, Agency.id == Client.agency_id)
            .order_by(Agency.slug, Packet.created_at)
        ).all()
        for packet_id, packet_type, status, slug in rows:
            click.echo(f"{packet_id}\t{packet_type}\t{status}\t{slug}")
        if not rows:
            click.echo("No packets yet.", err=True)


@click.command("render-packet")
@click.argument("packet_id")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the PDF.")
@click.option("--final", is_flag=True, help="Render without the DRAFT watermark.")
def render_packet(packet_id, out, final):
    """Render one packet in the foreground and write the decrypted PDF to OUT."""
    # Deferred: WeasyPrint loads only when an operator renders here, not in every web process's commands.
    from portal.documents import pdf

    try:
        packet_uuid = uuid.UUID(packet_id)
    except ValueError:
        raise click.ClickException("PACKET_ID must be a packet's id, as printed by list-packets.") from None
    with session_scope() as session:
        packet = session.get(Packet, packet_uuid)
        if packet is None:
            raise click.ClickException("No packet with that id.")
        data = snapshot.build(session, packet=packet, user=None)
    try:
        with pdf_language.written_in(data):
            result = pdf.render_packet_pdf(data, final=final, load=storage.load, app=current_app._get_current_object())
    except pdf.RenderError as error:
        raise click.ClickException(str(error)) from error
    with open(out, "wb") as handle:
        handle.write(result.data)
    click.echo(f"Wrote {out}: {result.pages} pages, {len(result.data)} bytes, SHA-256 {result.sha256}.")
