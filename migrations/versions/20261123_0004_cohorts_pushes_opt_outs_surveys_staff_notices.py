"""cohorts pushes opt outs surveys staff notices

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:56:02.171810
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('care_push',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('tag', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_push'))
    )
    op.create_table('message_opt_out',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('patient_id', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('channel', sa.String(length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_message_opt_out_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_opt_out')),
    sa.UniqueConstraint('patient_id', 'category', name='uq_message_opt_out')
    )
    with op.batch_alter_table('message_opt_out', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_opt_out_patient_id'), ['patient_id'], unique=False)

    op.create_table('patient_tag',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('patient_id', sa.String(length=40), nullable=False),
    sa.Column('tag', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_patient_tag_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_tag')),
    sa.UniqueConstraint('patient_id', 'tag', name='uq_patient_tag')
    )
    with op.batch_alter_table('patient_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_tag_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_tag_tag'), ['tag'], unique=False)

    op.create_table('survey_answer',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('occurrence_id', sa.String(length=40), nullable=False),
    sa.Column('patient_id', sa.String(length=40), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('channel', sa.String(length=24), nullable=False),
    sa.Column('answered_by', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['occurrence_id'], ['occurrence.id'], name=op.f('fk_survey_answer_occurrence_id_occurrence')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_survey_answer_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answer')),
    sa.UniqueConstraint('occurrence_id', name=op.f('uq_survey_answer_occurrence_id'))
    )
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answer_patient_id'), ['patient_id'], unique=False)

    with op.batch_alter_table('staff_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wecom_userid', sa.String(length=64), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('wecom_userid')

    with op.batch_alter_table('staff_task', schema=None) as batch_op:
        batch_op.drop_column('notified_at')

    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answer_patient_id'))

    op.drop_table('survey_answer')
    with op.batch_alter_table('patient_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_tag_tag'))
        batch_op.drop_index(batch_op.f('ix_patient_tag_patient_id'))

    op.drop_table('patient_tag')
    with op.batch_alter_table('message_opt_out', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_opt_out_patient_id'))

    op.drop_table('message_opt_out')
    op.drop_table('care_push')
