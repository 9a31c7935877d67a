"""reminders, unreachable users, digest days

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 18:40:00
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('deal_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.Column('recurrence', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('claimed_at', bot.storage.types.UTCDateTime(), nullable=True),
    sa.Column('sent_at', bot.storage.types.UTCDateTime(), nullable=True),
    sa.Column('late', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_reminders_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_reminders_deal_id_deals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_reminders_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index('ix_reminders_status_due_at', ['status', 'due_at'], unique=False)
        batch_op.create_index('ix_reminders_owner_id_status', ['owner_id', 'status'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unreachable_at', bot.storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_digest_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('nps_asked_at', bot.storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('nps_asked_at')
        batch_op.drop_column('last_digest_on')
        batch_op.drop_column('unreachable_at')

    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_owner_id_status')
        batch_op.drop_index('ix_reminders_status_due_at')
        batch_op.drop_index(batch_op.f('ix_reminders_deal_id'))
        batch_op.drop_index(batch_op.f('ix_reminders_client_id'))

    op.drop_table('reminders')
