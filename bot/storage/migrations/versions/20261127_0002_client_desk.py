"""client desk

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 12:02:44.478187
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('wanted', sa.String(length=16), nullable=True),
    sa.Column('order_ref', sa.String(length=64), nullable=True),
    sa.Column('created_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.Column('first_response_due', bot.storage.types.UTCDateTime(), nullable=False),
    sa.Column('resolution_due', bot.storage.types.UTCDateTime(), nullable=False),
    sa.Column('first_response_at', bot.storage.types.UTCDateTime(), nullable=True),
    sa.Column('paused_at', bot.storage.types.UTCDateTime(), nullable=True),
    sa.Column('resolved_at', bot.storage.types.UTCDateTime(), nullable=True),
    sa.Column('closed_at', bot.storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_requests_assignee_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['users.id'], name=op.f('fk_requests_client_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requests'))
    )
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index('ix_requests_assignee_status', ['assignee_id', 'status'], unique=False)
        batch_op.create_index('ix_requests_client_status', ['client_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_requests_resolution_due'), ['resolution_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_requests_status'), ['status'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.Column('escalated_at', bot.storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['users.id'], name=op.f('fk_feedback_client_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_feedback_request_id_requests'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_request_id'), ['request_id'], unique=False)

    op.create_table('handoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('due_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_handoffs_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_handoffs_request_id_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoffs'))
    )
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoffs_request_id'), ['request_id'], unique=False)

    op.create_table('relay_links',
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_relay_links_request_id_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('chat_id', 'message_id', name=op.f('pk_relay_links'))
    )
    with op.batch_alter_table('relay_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relay_links_request_id'), ['request_id'], unique=False)

    op.create_table('request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_request_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_request_events_request_id_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_events'))
    )
    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_events_request_id'), ['request_id'], unique=False)

    op.create_table('request_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('content_type', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('file_id', sa.String(length=256), nullable=True),
    sa.Column('file_size', sa.Integer(), nullable=True),
    sa.Column('extra', sa.Text(), nullable=True),
    sa.Column('media_group_id', sa.String(length=64), nullable=True),
    sa.Column('source_chat_id', sa.BigInteger(), nullable=True),
    sa.Column('source_message_id', sa.BigInteger(), nullable=True),
    sa.Column('relayed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('delivered_at', bot.storage.types.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.String(length=256), nullable=True),
    sa.Column('created_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_request_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_request_messages_request_id_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_messages'))
    )
    with op.batch_alter_table('request_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_messages_request_id'), ['request_id'], unique=False)
        batch_op.create_index('ix_request_messages_undelivered', ['relayed', 'delivered_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('segment', sa.String(length=16), server_default='standard', nullable=False))
        batch_op.create_index(batch_op.f('ix_users_owner_id'), ['owner_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_owner_id_users'), 'users', ['owner_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_owner_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_owner_id'))
        batch_op.drop_column('segment')
        batch_op.drop_column('owner_id')

    with op.batch_alter_table('request_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_request_messages_undelivered')
        batch_op.drop_index(batch_op.f('ix_request_messages_request_id'))

    op.drop_table('request_messages')
    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_events_request_id'))

    op.drop_table('request_events')
    with op.batch_alter_table('relay_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relay_links_request_id'))

    op.drop_table('relay_links')
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoffs_request_id'))

    op.drop_table('handoffs')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_request_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_client_id'))

    op.drop_table('feedback')
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requests_status'))
        batch_op.drop_index(batch_op.f('ix_requests_resolution_due'))
        batch_op.drop_index('ix_requests_client_status')
        batch_op.drop_index('ix_requests_assignee_status')

    op.drop_table('requests')
