"""absences and their cover, a deal's next step

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 20:40:00
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('deputy_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', bot.storage.types.UTCDateTime(), nullable=True),
    sa.Column('started_at', bot.storage.types.UTCDateTime(), nullable=True),
    sa.Column('handed_back_at', bot.storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_absences_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deputy_id'], ['users.id'], name=op.f('fk_absences_deputy_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_absences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absences'))
    )
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.create_index('ix_absences_user_id_ends_at', ['user_id', 'ends_at'], unique=False)
        batch_op.create_index('ix_absences_deputy_id_ends_at', ['deputy_id', 'ends_at'], unique=False)

    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cover_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_requests_cover_id'), ['cover_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_requests_cover_id_absences'), 'absences', ['cover_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_step', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('next_step_at', bot.storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_column('next_step_at')
        batch_op.drop_column('next_step')

    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_requests_cover_id_absences'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_requests_cover_id'))
        batch_op.drop_column('cover_id')

    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.drop_index('ix_absences_deputy_id_ends_at')
        batch_op.drop_index('ix_absences_user_id_ends_at')

    op.drop_table('absences')
