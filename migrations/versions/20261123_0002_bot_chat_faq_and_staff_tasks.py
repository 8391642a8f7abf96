"""bot chat faq and staff tasks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('faq_entry',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('question', sa.String(length=200), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_entry')),
    sa.UniqueConstraint('topic', name=op.f('uq_faq_entry_topic'))
    )
    op.create_table('chat_message',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('patient_id', sa.String(length=40), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('intent', sa.String(length=40), nullable=True),
    sa.Column('understanding', sa.JSON(), nullable=True),
    sa.Column('sender_id', sa.String(length=40), nullable=True),
    sa.Column('reply_to_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_chat_message_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_message')),
    sa.UniqueConstraint('channel', 'external_id', name='uq_chat_message_external')
    )
    with op.batch_alter_table('chat_message', schema=None) as batch_op:
        batch_op.create_index('ix_chat_message_patient_at', ['patient_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_chat_message_reply_to_id'), ['reply_to_id'], unique=False)

    op.create_table('dialogue_state',
    sa.Column('patient_id', sa.String(length=40), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('slots', sa.JSON(), nullable=False),
    sa.Column('low_confidence_streak', sa.Integer(), nullable=False),
    sa.Column('handoff_task_id', sa.String(length=40), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_dialogue_state_patient_id_patient')),
    sa.PrimaryKeyConstraint('patient_id', name=op.f('pk_dialogue_state'))
    )
    op.create_table('staff_task',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('patient_id', sa.String(length=40), nullable=False),
    sa.Column('team_id', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('priority', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('source_ref', sa.String(length=80), nullable=True),
    sa.Column('assignee_id', sa.String(length=40), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=40), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['staff_user.id'], name=op.f('fk_staff_task_assignee_id_staff_user')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_staff_task_patient_id_patient')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_staff_task_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_task'))
    )
    with op.batch_alter_table('staff_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_task_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_staff_task_queue', ['team_id', 'status', 'priority', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staff_task', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_task_queue')
        batch_op.drop_index(batch_op.f('ix_staff_task_patient_id'))

    op.drop_table('staff_task')
    op.drop_table('dialogue_state')
    with op.batch_alter_table('chat_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_message_reply_to_id'))
        batch_op.drop_index('ix_chat_message_patient_at')

    op.drop_table('chat_message')
    op.drop_table('faq_entry')
